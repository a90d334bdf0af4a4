from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode
from django_otp import user_has_device

# Pages a person may reach before finishing two-factor authentication.
OPEN_PREFIXES = ("/static/", "/healthz", "/accessibility/", "/privacy/", "/cookies/", "/feedback/", "/guidance/")
OPEN_NAMES = ("accounts:two-factor-setup", "accounts:two-factor-verify", "accounts:sign-out")


class RequireTwoFactorMiddleware:
    """Programme staff, and anyone who has set up an authenticator, must pass two-factor authentication in this
    session before any other page. Staff without an authenticator are sent to set one up."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if user.is_authenticated and not user.is_verified() and not self._is_open(request.path):
            if user_has_device(user, confirmed=True):
                query = urlencode({"next": request.get_full_path()})
                return redirect(f"{reverse('accounts:two-factor-verify')}?{query}")
            if user.programme_role:
                return redirect("accounts:two-factor-setup")
        return self.get_response(request)

    @staticmethod
    def _is_open(path: str) -> bool:
        return path.startswith(OPEN_PREFIXES) or path in {reverse(name) for name in OPEN_NAMES}
