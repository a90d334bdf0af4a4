"""The sign-in lockout: the email address it counts, and the limits that sit beside django-axes.

django-axes locks one account from one address after SIGN_IN_FAILURE_LIMIT wrong passwords (so one person's
mistakes lock nobody else, and an attacker cannot lock the real person out from elsewhere). Guessing spread
over many addresses is stopped here: after SIGN_IN_ACCOUNT_FAILURE_LIMIT wrong passwords for one account from
anywhere in half an hour, that account refuses every sign-in until the half hour ends or its password is reset.
Spraying a few passwords over many accounts from one address is stopped by a per-address limit of wrong
passwords for any account (10 x SIGN_IN_FAILURE_LIMIT in half an hour), set high for offices behind one address.
Every count uses the email address as `username_of` gives it, so changing its case or adding spaces counts the same.

Password reset emails, which anyone may ask for, are limited per recipient and per asking address.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
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


def _address_limit() -> ratelimit.Limit:
    return ratelimit.Limit("sign-in-address", count=settings.SIGN_IN_ADDRESS_FAILURE_LIMIT, window=WINDOW)


@dataclass(frozen=True)
class Refusal:
    title: str
    verdict: ratelimit.Verdict


def sign_in_refusal(*, email: str, address: str | None) -> Refusal | None:
    """Why this sign-in must be refused before the password is even checked, if it must."""
    account = ratelimit.check(_account_limit(), key=normalise_email(email))
    if not account.allowed:
        return Refusal("Your account is locked", account)
    network = ratelimit.check(_address_limit(), key=address or "unknown")
    if not network.allowed:
        return Refusal("Too many attempts to sign in from your network", network)
    return None


def sign_in_failed(*, email: str, address: str | None) -> None:
    ratelimit.hit(_account_limit(), key=normalise_email(email))
    ratelimit.hit(_address_limit(), key=address or "unknown")


def account_unlock(*, email: str) -> None:
    """After a password reset: the account's counts start again (django-axes' and ours)."""
    from axes.utils import reset as axes_reset

    axes_reset(username=normalise_email(email))
    ratelimit.reset(_account_limit(), key=normalise_email(email))


RESET_EMAILS_PER_EMAIL = ratelimit.Limit("password-reset-email", count=3, window=dt.timedelta(hours=1))
RESET_EMAILS_PER_ADDRESS = ratelimit.Limit("password-reset-address", count=10, window=dt.timedelta(hours=1))


def reset_email_refusal(*, email: str, address: str | None) -> str:
    """Count a request for a password reset email; a message saying when to try again if it is one too many.
    The same whether or not the account exists, so it tells nobody which addresses have accounts."""
    limits = [(RESET_EMAILS_PER_EMAIL, normalise_email(email)), (RESET_EMAILS_PER_ADDRESS, address or "unknown")]
    for limit, key in limits:
        verdict = ratelimit.hit(limit, key=key)
        if not verdict.allowed:
            return f"You have asked for several password reset emails in the last hour. Try again {verdict.wait}"
    return ""
