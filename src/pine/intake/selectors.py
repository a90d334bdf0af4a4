"""Reads for intake: the queue, a proposal's flags and history, the dashboard, exports and public pages."""

from __future__ import annotations

import datetime as dt
import statistics
from collections import Counter
from collections.abc import Iterator
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from pine.core import policy
from pine.core.models import AuditEvent
from pine.intake.models import OPEN_STATUSES, Consultation, ConsultationStatus, Proposal, ProposalStatus
from pine.journey.models import Project
from pine.programme.models import Priority


def queue(*, status: str = "", priority: Any = None, sort: str = "oldest") -> QuerySet[Proposal]:
    proposals = Proposal.objects.prefetch_related("priorities")
    if status:
        proposals = proposals.filter(status=status)
    if priority is not None:
        proposals = proposals.filter(priorities=priority)
    order = {"newest": ["-submitted_at"], "organisation": ["organisation_name", "submitted_at"]}.get(
        sort, ["submitted_at"]
    )
    return proposals.order_by(*order)


def status_counts() -> list[tuple[str, str, int]]:
    counts = dict(Proposal.objects.values_list("status").annotate(n=Count("id")).values_list("status", "n"))
    return [(value, label, counts.get(value, 0)) for value, label in ProposalStatus.choices]


def flags(*, proposal: Proposal) -> list[str]:
    """What the programme team should notice about a proposal."""
    found = []
    matched = [p.name for p in proposal.priorities.all()]
    if matched:
        found.append(f"Matches {len(matched)} of the programme's priorities: {'; '.join(matched)}")
    else:
        found.append("Matches none of the programme's priorities")
    if proposal.involves_under_ones:
        found.append("Involves children under one: the programme's special interest")
    if proposal.involves_male_carers:
        found.append("Involves fathers or other male carers: the programme's special interest")
    others = Proposal.objects.exclude(pk=proposal.pk)
    same_org = others.filter(organisation_name__iexact=proposal.organisation_name.strip())
    for earlier in same_org.order_by("-submitted_at")[:3]:
        found.append(
            f"Earlier proposal from the same organisation: {earlier.reference} ({earlier.get_status_display()})"
        )
    words = [w for w in proposal.intervention_name.lower().split() if len(w) > 3][:4]
    if words:
        similar = others.exclude(pk__in=same_org).filter(*[Q(intervention_name__icontains=w) for w in words[:2]])
        for other in similar.order_by("-submitted_at")[:3]:
            found.append(
                f"Similar intervention: {other.reference}, {other.intervention_name} ({other.organisation_name})"
            )
    return found


def history(*, proposal: Proposal) -> QuerySet[AuditEvent]:
    return (
        AuditEvent.objects.filter(object_type="intake.Proposal", object_id=str(proposal.pk))
        .select_related("actor")
        .order_by("occurred_at")
    )


def dashboard() -> dict[str, Any]:
    proposals = list(Proposal.objects.values("status", "submitted_at", "decided_at"))
    months: dict[str, Counter[str]] = {}
    for row in proposals:
        month = timezone.localtime(row["submitted_at"]).strftime("%Y-%m")
        months.setdefault(month, Counter())[row["status"]] += 1
    pipeline = [
        (
            dt.date(int(month[:4]), int(month[5:]), 1).strftime("%B %Y"),
            [months[month].get(value, 0) for value, _ in ProposalStatus.choices],
        )
        for month in sorted(months, reverse=True)[:12]
    ]
    days = [(r["decided_at"] - r["submitted_at"]).days for r in proposals if r["decided_at"]]
    return {
        "statuses": ProposalStatus.choices,
        "pipeline": pipeline,
        "median_days_to_decision": statistics.median(days) if days else None,
        "decided": len(days),
        "per_priority": Priority.objects.annotate(n=Count("projects", distinct=True)).order_by("order"),
        "upcoming": Consultation.objects.filter(status=ConsultationStatus.BOOKED, starts_at__gte=timezone.now())
        .select_related("proposal")
        .order_by("starts_at")[:20],
    }


EXPORT_HEADER = [
    "Reference",
    "Status",
    "Sent",
    "Decided",
    "Organisation",
    "Type",
    "Region",
    "Contact",
    "Role",
    "Email",
    "Intervention",
    "What it is",
    "Who it is for",
    "Why it might work",
    "Stage",
    "Priorities",
    "Children under one",
    "Male carers",
    "Want to find out",
    "Data collected",
    "Timescale",
    "Heard about",
    "Practice adviser",
    "Research adviser",
]


def export_rows(*, proposals: QuerySet[Proposal]) -> Iterator[list[Any]]:
    """Rows for CSV and XLSX. The phone number is left out: it is identifying and not needed for analysis."""
    yield EXPORT_HEADER
    rows = proposals.select_related("practice_adviser", "research_adviser").prefetch_related("priorities")
    for p in rows:
        yield [
            p.reference,
            p.get_status_display(),
            timezone.localtime(p.submitted_at).strftime("%Y-%m-%d %H:%M"),
            timezone.localtime(p.decided_at).strftime("%Y-%m-%d") if p.decided_at else "",
            p.organisation_name,
            p.get_organisation_kind_display(),
            p.get_organisation_region_display(),
            p.contact_name,
            p.contact_role,
            p.contact_email,
            p.intervention_name,
            p.intervention_what,
            p.intervention_who,
            p.intervention_why,
            p.get_intervention_stage_display(),
            "; ".join(x.name for x in p.priorities.all()),
            "Yes" if p.involves_under_ones else "No",
            "Yes" if p.involves_male_carers else "No",
            p.want_to_find_out,
            p.data_already_collected,
            p.timescale,
            p.heard_about,
            p.practice_adviser.full_name if p.practice_adviser else "",
            p.research_adviser.full_name if p.research_adviser else "",
        ]


def supported_projects(*, priority: Any = None, region: str = "") -> QuerySet[Project]:
    projects = Project.objects.filter(public_summary_status="approved").select_related("organisation")
    if priority is not None:
        projects = projects.filter(priorities=priority)
    if region:
        projects = projects.filter(organisation__region=region)
    return projects.prefetch_related("priorities").order_by("organisation__name", "title")


def staff_home(*, user: Any) -> dict[str, Any]:
    """What a programme person's home page says about proposals: the manager's queue, everyone's consultations."""
    visible = policy.visible_proposals(user)
    counts = dict(
        visible.filter(status__in=OPEN_STATUSES)
        .values_list("status")
        .annotate(n=Count("id"))
        .values_list("status", "n")
    )
    return {
        "new_proposals": counts.get(ProposalStatus.NEW, 0),
        "open_proposals": sum(counts.values()),
        "upcoming_consultations": Consultation.objects.filter(
            status=ConsultationStatus.BOOKED, starts_at__gte=timezone.now(), proposal__in=visible
        )
        .select_related("proposal")
        .order_by("starts_at")[:10],
    }
