"""The sign-in lockout: the email address it counts, and the per-account limit that sits above django-axes.

django-axes locks one account from one address after SIGN_IN_FAILURE_LIMIT wrong passwords (so one person's
mistakes lock nobody else, and an attacker cannot lock the real person out from elsewhere). Guessing spread
over many addresses is stopped here: after SIGN_IN_ACCOUNT_FAILURE_LIMIT wrong passwords for one account from
anywhere in half an hour, that account refuses every sign-in until the half hour ends or its password is reset.
Both count the email address as `username_of` gives it, so changing its case or adding spaces counts the same.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.http import HttpRequest

from pine.core import ratelimit

WINDOW = dt.timedelta(minutes=30)


def normalise_email(value: str) -> str:
    return value.strip().lower()


def username_of(request: HttpRequest | None, credentials: dict[str, Any] | None = None) -> str:
    """The email address a sign-in attempt is counted under (django-axes' AXES_USERNAME_CALLABLE)."""
    field = settings.AXES_USERNAME_FORM_FIELD
    value = (credentials or {}).get(field)
    if value is None and request is not None:
        value = request.POST.get(field, "")
    return normalise_email(str(value or ""))


def _account_limit() -> ratelimit.Limit:
    return ratelimit.Limit("sign-in-account", count=settings.SIGN_IN_ACCOUNT_FAILURE_LIMIT, window=WINDOW)


def account_check(*, email: str) -> ratelimit.Verdict:
    return ratelimit.check(_account_limit(), key=normalise_email(email))


def account_failed(*, email: str) -> None:
    ratelimit.hit(_account_limit(), key=normalise_email(email))


def account_unlock(*, email: str) -> None:
    """After a password reset: the account's counts start again (django-axes' and ours)."""
    from axes.utils import reset as axes_reset

    axes_reset(username=normalise_email(email))
    ratelimit.reset(_account_limit(), key=normalise_email(email))
