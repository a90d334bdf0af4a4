"""Sending email. Messages are plain text from templates; the backend (console, SMTP…) comes from EMAIL_URL.

Each message is a background task: with the database task backend the task row is written in the same
transaction as the change it reports, so a rolled-back change never emails anyone, and a mail server that is
down delays the message instead of failing the person's request.

The task row is kept in the database (until `pine prune-tasks` deletes it), so it must hold nothing personal.
Each app defines its email tasks in its own `emails.py`, taking only ids and plain flags: the task loads the rows
when it runs, builds the message there (minting any single-use link at that moment), and sends nothing if the
rows have gone in the meantime (a participant deleted, an invitation withdrawn). Call `queue` to enqueue one:
it refuses arguments that are not ids, flags or short keywords.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.utils import timezone
from django_tasks import task
from django_tasks.base import Task

from pine.core.text import one_line

logger = logging.getLogger(__name__)
# A keyword argument of an email task: an id, a flag, or a short word like "moved" (never free text or an address).
_KEYWORD = re.compile(r"^[a-z_]{1,30}$")


def email_subject(subject: str) -> str:
    """A subject on one line: Django refuses to send a header with a line break in it (a project title or a
    person's name stored with one would otherwise stop the email), so line breaks and controls become spaces."""
    return one_line(subject)


def render_email(template: str, context: dict[str, Any]) -> str:
    return render_to_string(template, {"service_url": settings.SERVICE_BASE_URL, **context})


def deliver(*, to: str, subject: str, body: str, attachments: list[list[str]] | None = None) -> None:
    """Send one message now. Only email tasks call this, inside the worker."""
    message = EmailMessage(subject=email_subject(subject), body=body, from_email=settings.DEFAULT_FROM_EMAIL, to=[to])
    for filename, content, mimetype in attachments or []:
        message.attach(filename, content, mimetype)
    message.send()


def queue(email_task: Task[Any, Any], **keys: int | bool | str | None) -> None:
    """Enqueue an email task with ids and flags only, so the task table never holds personal data."""
    for name, value in keys.items():
        allowed = value is None or isinstance(value, int) or (isinstance(value, str) and _KEYWORD.match(value))
        if not allowed:
            raise TypeError(f"Email task argument {name!r} must be an id, a flag or a short keyword.")
    email_task.enqueue(**keys)


def skipped(kind: str, **keys: Any) -> None:
    """Log (with ids only) that a queued email was not sent because what it was about has gone or changed."""
    logger.info("Email %s not sent: %s no longer applies", kind, ", ".join(f"{k}={v}" for k, v in keys.items()))


@task()
def deliver_email(*, to: str, subject: str, body: str, attachments: list[list[str]] | None = None) -> None:
    """Tasks queued before PINE stopped storing messages in the task table: still sent, so none is lost.

    Nothing enqueues this any more; it stays importable (the old rows name it) and can go once
    `pine prune-tasks` has removed every old row."""
    deliver(to=to, subject=subject, body=body, attachments=attachments)


def prune_task_results(*, older_than_days: int, now: dt.datetime | None = None) -> int:
    """Delete finished (successful or failed) task rows older than the given number of days; return how many."""
    from django_tasks_db.models import DBTaskResult

    cutoff = (now or timezone.now()) - dt.timedelta(days=older_than_days)
    deleted, _ = DBTaskResult.objects.finished().filter(finished_at__lte=cutoff).delete()
    return deleted
