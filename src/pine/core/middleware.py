from __future__ import annotations

import functools
import ipaddress
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
    """The address of the person making the request: the one place PINE finds it (the audit log, the sign-in
    lockout, every rate limit).

    Without a proxy (`BEHIND_PROXY` off) it is the connection's address. Behind one, `X-Forwarded-For` is read
    only when the connection comes from a trusted proxy (`FORWARDED_ALLOW_IPS`, as gunicorn uses), and read from
    the right: each trusted proxy appended the address it saw, so the first untrusted address is the client.
    Anything further left was written by the client and could be made up.
    """
    from django.conf import settings

    remote = _valid_ip(request.META.get("REMOTE_ADDR", ""))
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if not settings.PINE_BEHIND_PROXY or not forwarded:
        return remote
    trusted = _trusted_networks(tuple(settings.PINE_TRUSTED_PROXIES))
    if not _is_trusted(remote, trusted):
        return remote  # a direct connection past the balancer: its header is not to be believed
    hops = [hop.strip() for hop in forwarded.split(",")]
    for hop in reversed(hops):
        address = _valid_ip(hop)
        if address is None:
            return remote  # a malformed entry: what lies left of it cannot be trusted either
        if trusted is None or not _is_trusted(address, trusted):
            return address  # with "*" (trust every proxy) the right-most entry is the client
    return _valid_ip(hops[0]) or remote


def _valid_ip(value: str) -> str | None:
    try:
        return str(ipaddress.ip_address(value.strip()))
    except ValueError:
        return None


@functools.cache
def _trusted_networks(proxies: tuple[str, ...]) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...] | None:
    """The trusted proxies as networks; None when every proxy is trusted ("*")."""
    if "*" in proxies:
        return None
    return tuple(ipaddress.ip_network(p.strip(), strict=False) for p in proxies if p.strip())


def _is_trusted(address: str | None, trusted: tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...] | None) -> bool:
    if address is None:
        return False
    if trusted is None:
        return True
    ip = ipaddress.ip_address(address)
    return any(ip in network for network in trusted)


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
