"""Sending email. Messages are plain text from templates; the backend (console, SMTP…) comes from EMAIL_URL."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string


def send_email(*, to: str, subject: str, template: str, context: dict[str, Any]) -> None:
    """Send once the surrounding transaction commits, so a rolled-back change never emails anyone."""
    body = render_to_string(template, {"service_url": settings.SERVICE_BASE_URL, **context})
    message = EmailMessage(subject=subject, body=body, from_email=settings.DEFAULT_FROM_EMAIL, to=[to])
    transaction.on_commit(lambda: message.send(fail_silently=False))
