from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from pine.core import audit


class RequestContextMiddleware:
    """Make the request's user and address available to the audit log for the length of the request."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        context = audit.RequestContext(
            ip_address=client_ip(request),
            user_agent=request.META.get("HTTP_USER_AGENT", ""),
            user=request.user,
        )
        with audit.request_context(context):
            return self.get_response(request)


def client_ip(request: HttpRequest) -> str | None:
    # Behind a load balancer, SECURE_PROXY_SSL_HEADER is set and the proxy appends the client to
    # X-Forwarded-For; the right-most entry is the one our proxy saw, the only one it vouches for.
    from django.conf import settings

    if settings.SECURE_PROXY_SSL_HEADER:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded:
            return forwarded.split(",")[-1].strip() or None
    return request.META.get("REMOTE_ADDR") or None


class SecurityHeadersMiddleware:
    """Headers Django does not set itself: a restrictive Permissions-Policy, and no caching of any page that
    was made for a signed-in person (it may hold data about children and families)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault(
            "Permissions-Policy",
            "camera=(), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=()",
        )
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and not request.path.startswith("/static/"):
            response.headers["Cache-Control"] = "no-store"
        return response
