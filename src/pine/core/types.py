"""Types shared by views."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.http import HttpRequest

if TYPE_CHECKING:
    from pine.accounts.models import User


class AuthenticatedRequest(HttpRequest):
    """A request that `policy.requires` has let through: its user is signed in."""

    user: User
