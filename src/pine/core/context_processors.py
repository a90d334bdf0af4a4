from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest
from django.urls import reverse

from pine.core import policy
from pine.core.policy import Action

SERVICE_NAME = "PINE – Practice in Need of Evidence"


def service(request: HttpRequest) -> dict[str, Any]:
    """The service name and the navigation items this person may use."""
    # An error page can be rendered for a request that never reached the authentication middleware (a
    # bad Host header is refused before it): such a request has no user, and is shown the public navigation.
    user = getattr(request, "user", None) or AnonymousUser()
    items: list[tuple[str, str]] = []
    if user.is_authenticated:
        items.append(("Home", reverse("core:home")))
        if policy.can(user, Action.LIST_PROJECTS):
            items.append(("Projects", reverse("journey:project-list")))
        if policy.can(user, Action.TRIAGE):
            items.append(("Proposals", reverse("intake:queue")))
        if policy.can(user, Action.LIST_ORGANISATIONS):
            items.append(("Organisations", reverse("accounts:organisation-list")))
        if policy.can(user, Action.LIST_PEOPLE):
            items.append(("People", reverse("accounts:people-list")))
        if policy.can(user, Action.LIST_INVITATIONS):
            items.append(("Invitations", reverse("accounts:invitation-list")))
        if policy.can(user, Action.VIEW_AUDIT):
            items.append(("Audit log", reverse("core:audit-log")))
        items.append(("Guidance", reverse("guidance:index")))
        items.append(("Your account", reverse("accounts:account")))
    else:
        items.append(("Supported projects", reverse("intake:supported")))
        items.append(("Propose a project", reverse("intake:propose")))
        items.append(("Guidance", reverse("guidance:index")))
    path = request.path
    navigation = [
        {"text": text, "href": href, "active": path == href or (href != "/" and path.startswith(href))}
        for text, href in items
    ]
    return {
        "service_name": SERVICE_NAME,
        "service_navigation": navigation,
        "contact_email": settings.CONTACT_EMAIL,
    }
