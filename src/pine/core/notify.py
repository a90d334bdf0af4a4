"""Sending email. Messages are plain text from templates; the backend (console, SMTP…) comes from EMAIL_URL.

Each message is a background task: with the database task backend the task row is written in the same
transaction as the change it reports, so a rolled-back change never emails anyone, and a mail server that is
down delays the message instead of failing the person's request.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django_tasks import task

from pine.core.text import one_line


@task()
def deliver_email(*, to: str, subject: str, body: str, attachments: list[list[str]] | None = None) -> None:
    message = EmailMessage(subject=email_subject(subject), body=body, from_email=settings.DEFAULT_FROM_EMAIL, to=[to])
    for filename, content, mimetype in attachments or []:
        message.attach(filename, content, mimetype)
    message.send()


def email_subject(subject: str) -> str:
    """A subject on one line: Django refuses to send a header with a line break in it (a project title or a
    person's name stored with one would otherwise stop the email), so line breaks and controls become spaces."""
    return one_line(subject)


def render_email(template: str, context: dict[str, Any]) -> str:
    return render_to_string(template, {"service_url": settings.SERVICE_BASE_URL, **context})


def send_email(
    *, to: str, subject: str, template: str, context: dict[str, Any], attachments: list[list[str]] | None = None
) -> str:
    """Queue one email and return its text. `attachments` are `[filename, text, MIME type]` (calendar files)."""
    body = render_email(template, context)
    queue_email(to=to, subject=subject, body=body, attachments=attachments)
    return body


def queue_email(*, to: str, subject: str, body: str, attachments: list[list[str]] | None = None) -> None:
    deliver_email.enqueue(to=to, subject=subject, body=body, attachments=attachments or [])
