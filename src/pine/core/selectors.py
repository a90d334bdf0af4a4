"""Reads for the core pages: role home pages and the audit log."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from pine.accounts.models import Invitation, Membership, Organisation
from pine.core import policy
from pine.core.models import AuditEvent

AUDIT_PAGE_SIZE = 50


def programme_home(*, user: Any) -> dict[str, Any]:
    organisations = Organisation.objects.annotate(
        people=Count("memberships", distinct=True),
        waiting=Count(
            "invitations",
            filter=Q(
                invitations__accepted_at__isnull=True,
                invitations__revoked_at__isnull=True,
                invitations__expires_at__gt=timezone.now(),
            ),
            distinct=True,
        ),
    ).order_by("name")
    from pine.intake import selectors as intake
    from pine.journey import selectors as journey

    context = {
        "organisations": organisations,
        "pending_invitations": Invitation.objects.pending().count(),
        "may_manage": policy.can(user, policy.Action.CREATE_ORGANISATION),
        "my_actions": journey.person_open_actions(user=user),
    }
    context |= journey.programme_dashboard(projects=policy.visible_projects(user))
    context |= intake.staff_home(user=user)
    context["may_triage"] = policy.can(user, policy.Action.TRIAGE)
    return context


def site_home(*, user: Any) -> dict[str, Any]:
    memberships = list(
        Membership.objects.filter(user=user).select_related("organisation").order_by("organisation__name")
    )
    colleagues = (
        Membership.objects.filter(organisation__in=[m.organisation_id for m in memberships])
        .select_related("user", "organisation")
        .order_by("organisation__name", "user__full_name")
    )
    by_organisation: dict[int, list[Membership]] = {}
    for membership in colleagues:
        by_organisation.setdefault(membership.organisation_id, []).append(membership)
    from pine.journey import selectors as journey

    projects = list(journey.project_list(projects=policy.visible_projects(user)))
    return {
        "memberships": [
            (
                m,
                by_organisation.get(m.organisation_id, []),
                [p for p in projects if p.organisation_id == m.organisation_id],
            )
            for m in memberships
        ],
        "my_actions": journey.person_open_actions(user=user),
    }


def _audit_queryset(filters: dict[str, Any]) -> QuerySet[AuditEvent]:
    events = AuditEvent.objects.select_related("actor", "organisation")
    if "person" in filters:
        # The label keeps the typed email of failed sign-ins too, which have no actor.
        events = events.filter(actor_label__icontains=filters["person"].strip())
    if "organisation" in filters:
        events = events.filter(organisation=filters["organisation"])
    if "action" in filters:
        events = events.filter(action=filters["action"])
    tz = timezone.get_current_timezone()
    if "date_from" in filters:
        start = dt.datetime.combine(filters["date_from"], dt.time.min, tzinfo=tz)
        events = events.filter(occurred_at__gte=start)
    if "date_to" in filters:
        end = dt.datetime.combine(filters["date_to"] + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
        events = events.filter(occurred_at__lt=end)
    return events


def audit_page(*, filters: dict[str, Any], page_number: str | None) -> Page[AuditEvent]:
    paginator = Paginator(_audit_queryset(filters), AUDIT_PAGE_SIZE)
    return paginator.get_page(page_number)


AUDIT_CSV_HEADER = [
    "When (UTC)",
    "Person",
    "Person id",
    "What happened",
    "Record type",
    "Record id",
    "Record",
    "Organisation",
    "Changes",
    "From address",
    "Browser",
]


def audit_rows(*, filters: dict[str, Any]) -> Iterator[list[Any]]:
    import json

    yield AUDIT_CSV_HEADER
    for event in _audit_queryset(filters).iterator(chunk_size=2000):
        yield [
            event.occurred_at.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M:%S"),
            event.actor_label,
            event.actor_id or "",
            event.get_action_display(),
            event.object_type_label,
            event.object_id,
            event.object_repr,
            event.organisation.name if event.organisation else "",
            json.dumps(event.changes, ensure_ascii=False, sort_keys=True) if event.changes else "",
            event.ip_address or "",
            event.user_agent,
        ]
