"""Sign-in events reach the audit log through Django's authentication signals (the only place they surface)."""

from __future__ import annotations

from typing import Any

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from pine.core import audit
from pine.core.models import AuditAction


@receiver(user_logged_in)
def _signed_in(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    audit.record(action=AuditAction.SIGN_IN, obj=user, actor=user)


@receiver(user_logged_out)
def _signed_out(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    if user is not None:
        audit.record(action=AuditAction.SIGN_OUT, obj=user, actor=user)


@receiver(user_login_failed)
def _sign_in_failed(sender: Any, credentials: dict[str, Any], request: Any = None, **kwargs: Any) -> None:
    # The typed email is kept (truncated) so that attacks on an account can be seen; never the password.
    typed = str(credentials.get("username", ""))[:254]
    audit.record(action=AuditAction.SIGN_IN_FAILED, actor=None, actor_label=typed)


@receiver(user_locked_out)
def _locked_out(sender: Any, request: Any = None, username: str | None = None, **kwargs: Any) -> None:
    audit.record(action=AuditAction.LOCKED_OUT, actor=None, actor_label=(username or "")[:254])
