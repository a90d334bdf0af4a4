"""Reads for the theory of change, the evaluation plan and the measures library."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Prefetch, Q, QuerySet

from pine.journey.models import Project
from pine.modelling import versions
from pine.modelling.checks import Problem, plan_problems, toc_problems
from pine.modelling.models import (
    CHAIN,
    OUTCOMES,
    Element,
    ElementKind,
    EvaluationPlan,
    Link,
    Measure,
    PlanAnalysis,
    PlanOutcome,
    PlanVersion,
    TheoryOfChange,
    ToCVersion,
)
from pine.modelling.vocabulary import EvidenceNote, evidence_note


@dataclass
class KindGroup:
    kind: str
    title: str
    elements: list[Element]


@dataclass
class TocDetail:
    project: Project
    toc: TheoryOfChange | None
    groups: list[KindGroup]
    links: list[Link]
    snapshot: dict[str, Any]
    latest: ToCVersion | None
    approved: ToCVersion | None
    problems: list[Problem] = field(default_factory=list)

    @property
    def element_count(self) -> int:
        return sum(len(g.elements) for g in self.groups)

    @property
    def chain_elements(self) -> list[Element]:
        return [e for g in self.groups if g.kind in CHAIN for e in g.elements]


def toc_detail(*, project: Project) -> TocDetail:
    toc = TheoryOfChange.objects.filter(project=project).first()
    elements = list(toc.elements.all()) if toc else []
    links = list(toc.links.select_related("source", "target")) if toc else []
    groups = [KindGroup(kind, kind.label, [e for e in elements if e.kind == kind]) for kind in ElementKind]
    snapshot = versions.toc_snapshot(toc) if toc else {"elements": [], "links": []}
    measured = None
    plan_outcomes = list(PlanOutcome.objects.filter(plan__project=project).values_list("outcome_id", flat=True))
    if plan_outcomes:
        measured = set(plan_outcomes)
    latest = toc.versions.select_related("created_by").first() if toc else None
    approved = (
        toc.versions.filter(approved_at__isnull=False).select_related("approved_decision__decided_by").first()
        if toc
        else None
    )
    return TocDetail(project, toc, groups, links, snapshot, latest, approved, toc_problems(snapshot, measured=measured))


def toc_versions(*, toc: TheoryOfChange) -> QuerySet[ToCVersion]:
    return toc.versions.select_related("created_by", "approved_decision__decided_by").defer("snapshot")


def outcome_elements(*, project: Project) -> QuerySet[Element]:
    return Element.objects.filter(toc__project=project, kind__in=OUTCOMES).order_by("kind", "position", "pk")


def chain_elements(*, project: Project) -> list[Element]:
    order = {kind: index for index, kind in enumerate(CHAIN)}
    rows = Element.objects.filter(toc__project=project, kind__in=CHAIN)
    return sorted(rows, key=lambda e: (order[e.kind], e.position, e.pk))


# The evaluation plan


@dataclass
class PlanDetail:
    project: Project
    plan: EvaluationPlan
    latest: PlanVersion | None
    registered: PlanVersion | None
    deviations: list[versions.Change]
    reasons: list[PlanVersion]
    evidence: EvidenceNote | None
    problems: list[Problem]

    @property
    def current_hash(self) -> str:
        return self.latest.content_hash if self.latest else ""


def _plan_with_rows(plan: EvaluationPlan) -> EvaluationPlan:
    return (
        EvaluationPlan.objects.filter(pk=plan.pk)
        .prefetch_related(
            "questions__outcomes",
            Prefetch("outcomes", queryset=PlanOutcome.objects.select_related("outcome", "measure")),
            Prefetch(
                "analyses",
                queryset=PlanAnalysis.objects.select_related("question", "outcome__outcome", "outcome__measure"),
            ),
            "milestones",
            "risks",
        )
        .get()
    )


def plan_detail(*, project: Project) -> PlanDetail:
    plan, _ = EvaluationPlan.objects.get_or_create(project=project)
    plan = _plan_with_rows(plan)
    plan.project = project
    latest = plan.versions.select_related("created_by").first()
    registered = (
        plan.versions.filter(registered_at__isnull=False).select_related("registered_by").order_by("-number").first()
    )
    deviations: list[versions.Change] = []
    reasons: list[PlanVersion] = []
    if registered is not None and latest is not None and latest.number > registered.number:
        deviations = versions.plan_differences(registered.snapshot, latest.snapshot)
        reasons = list(
            plan.versions.filter(number__gt=registered.number).select_related("created_by").order_by("number")
        )
    outcome_ids = outcome_elements(project=project).values_list("pk", flat=True)
    return PlanDetail(
        project,
        plan,
        latest,
        registered,
        deviations,
        reasons,
        evidence_note(plan.design, plan.mixed_quantitative_design),
        plan_problems(plan, toc_outcome_ids=list(outcome_ids)),
    )


@dataclass(frozen=True)
class ValueChange:
    label: str
    before: str
    after: str

    @property
    def changed(self) -> bool:
        return self.before != self.after


def sample_size_change(
    *, plan: EvaluationPlan, intervention: int, comparison: int | None, basis: str
) -> list[ValueChange]:
    """The plan's sample size now and as the calculator would make it, row by row, to compare before changing."""

    def shown(value: Any) -> str:
        return "Not given" if value in (None, "") else str(value).strip()

    return [
        ValueChange("Intervention group (or pairs)", shown(plan.sample_size_intervention), shown(intervention)),
        ValueChange("Comparison group", shown(plan.sample_size_comparison), shown(comparison)),
        ValueChange("How the sample size was worked out", shown(plan.sample_size_basis), shown(basis)),
    ]


def plan_versions(*, plan: EvaluationPlan) -> QuerySet[PlanVersion]:
    return plan.versions.select_related("created_by", "registered_by").defer("snapshot")


# Measures


def measure_list(*, measures: QuerySet[Measure], search: str = "", completed_by: str = "") -> QuerySet[Measure]:
    if search:
        measures = measures.filter(Q(name__icontains=search) | Q(measures_what__icontains=search))
    if completed_by:
        measures = measures.filter(completed_by=completed_by)
    return measures.select_related("organisation").prefetch_related("priorities").order_by("-pine_own", "name")


def measures_for_project(*, project: Project) -> QuerySet[Measure]:
    return Measure.objects.filter(Q(organisation__isnull=True) | Q(organisation_id=project.organisation_id)).order_by(
        "name"
    )
