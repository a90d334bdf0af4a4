"""Writes for the theory of change, the evaluation plan and the measures library. Atomic and audited.

Every change to a theory of change or a plan writes a new version (a frozen snapshot). Once the plan is
registered (the stage 3 checkpoint's *proceed* decision), a change needs a reason, kept with its version.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone

from pine.accounts.models import Organisation, User
from pine.core import audit
from pine.core.models import AuditAction
from pine.journey.models import Decision, Project, StageStatus
from pine.modelling import versions
from pine.modelling.checks import link_problem
from pine.modelling.models import (
    Element,
    ElementKind,
    EvaluationPlan,
    Link,
    Measure,
    PlanAnalysis,
    PlanMilestone,
    PlanOutcome,
    PlanQuestion,
    PlanRisk,
    PlanVersion,
    TheoryOfChange,
    ToCVersion,
)
from pine.modelling.vocabulary import METHODS


class ModellingError(Exception):
    """A change the rules do not allow; the message says why, for the person."""


def _touch(project: Project) -> None:
    Project.objects.filter(pk=project.pk).update(last_activity_at=timezone.now())


def _require_started(project: Project) -> None:
    """The model and the plan are worked on from stage 2 (after the initial consultation) onwards."""
    if project.stages.filter(number=2, status=StageStatus.LOCKED).exists():
        raise ModellingError("The theory of change and the plan start once the initial consultation is completed.")


# Theory of change


def _lock_toc(project: Project) -> TheoryOfChange:
    _require_started(project)
    toc, _ = TheoryOfChange.objects.get_or_create(project=project)
    return TheoryOfChange.objects.select_for_update().get(pk=toc.pk)


def _toc_saved(toc: TheoryOfChange, *, actor: User, change: str, changes: dict[str, Any]) -> ToCVersion:
    """Every save is a version: snapshot the model as it now is."""
    toc.version += 1
    toc.save(update_fields=["version", "updated_at"])
    version = ToCVersion.objects.create(
        toc=toc,
        number=toc.version,
        snapshot=versions.toc_snapshot(toc),
        change=change[:300],
        created_by=actor,
        created_at=timezone.now(),
    )
    audit.record(action=AuditAction.CHANGED, obj=toc, actor=actor, changes={**changes, "version": ["", version.number]})
    _touch(toc.project)
    return version


def _next_position(queryset: Any) -> int:
    return (queryset.aggregate(top=Max("position"))["top"] or 0) + 1


@transaction.atomic
def element_add(*, actor: User, project: Project, kind: str, text: str) -> Element:
    toc = _lock_toc(project)
    if kind not in ElementKind.values:
        raise ModellingError("Choose which part of the theory of change this is.")
    element = Element(toc=toc, kind=kind, text=text.strip(), position=_next_position(toc.elements.filter(kind=kind)))
    element.full_clean()
    element.save()
    label = ElementKind(kind).label
    _toc_saved(
        toc, actor=actor, change=f"Added to {label.lower()}: {element.text}", changes={label: ["", element.text]}
    )
    return element


def _lock_element(project: Project, element_id: int) -> tuple[TheoryOfChange, Element]:
    toc = _lock_toc(project)
    element = toc.elements.filter(pk=element_id).first()
    if element is None:
        raise ModellingError("That element is no longer in the theory of change: someone may have removed it.")
    return toc, element


@transaction.atomic
def element_update(*, actor: User, project: Project, element_id: int, kind: str, text: str) -> tuple[Element, int]:
    """Change an element's words or its part; returns it and how many links were removed because they no longer
    run from left to right."""
    toc, element = _lock_element(project, element_id)
    before_text, before_kind = element.text, element.kind
    if kind not in ElementKind.values:
        raise ModellingError("Choose which part of the theory of change this is.")
    element.text = text.strip()
    if kind != element.kind:
        if element.plan_outcomes.exists() and kind not in {ElementKind.SHORT, ElementKind.MEDIUM, ElementKind.LONG}:
            raise ModellingError("The evaluation plan measures this outcome: it must stay an outcome.")
        element.kind = kind
        element.position = _next_position(toc.elements.filter(kind=kind))
    element.full_clean()
    if (element.text, element.kind) == (before_text, before_kind):
        return element, 0
    element.save(update_fields=["text", "kind", "position"])
    dropped = 0
    if kind != before_kind:
        for link in Link.objects.filter(Q(source=element) | Q(target=element), toc=toc).select_related(
            "source", "target"
        ):
            if link_problem(link.source.kind, link.target.kind):
                link.delete()
                dropped += 1
    _toc_saved(
        toc,
        actor=actor,
        change=f"Changed: {element.text}",
        changes={
            "element": [
                f"{ElementKind(before_kind).label}: {before_text}",
                f"{element.get_kind_display()}: {element.text}",
            ]
        },
    )
    return element, dropped


@transaction.atomic
def element_remove(*, actor: User, project: Project, element_id: int) -> None:
    toc, element = _lock_element(project, element_id)
    if element.plan_outcomes.exists():
        raise ModellingError(
            f"The evaluation plan measures '{element.text}'. Remove it from the plan's outcomes first."
        )
    if element.questions.exists():
        raise ModellingError(f"An evaluation question is linked to '{element.text}'. Change the question first.")
    label = element.get_kind_display()
    text = element.text
    element.delete()
    _toc_saved(toc, actor=actor, change=f"Removed from {label.lower()}: {text}", changes={label: [text, ""]})


@transaction.atomic
def element_move(*, actor: User, project: Project, element_id: int, direction: str) -> None:
    """Move an element up or down among the elements of its part (the diagram follows this order)."""
    toc, element = _lock_element(project, element_id)
    siblings = list(toc.elements.filter(kind=element.kind).order_by("position", "pk"))
    index = next(i for i, e in enumerate(siblings) if e.pk == element.pk)
    other = index - 1 if direction == "up" else index + 1
    if direction not in {"up", "down"} or not 0 <= other < len(siblings):
        return
    siblings[index], siblings[other] = siblings[other], siblings[index]
    for position, sibling in enumerate(siblings, start=1):
        sibling.position = position
    Element.objects.bulk_update(siblings, ["position"])
    _toc_saved(
        toc,
        actor=actor,
        change=f"Moved {direction}: {element.text}",
        changes={"order": ["", f"{element.text} moved {direction}"]},
    )


@transaction.atomic
def link_add(*, actor: User, project: Project, source_id: int, target_id: int) -> Link:
    """Link two elements chosen from lists. Either may have been removed since the lists were shown: refused."""
    toc = _lock_toc(project)
    found = {e.pk: e for e in toc.elements.filter(pk__in=[source_id, target_id])}
    source, target = found.get(source_id), found.get(target_id)
    if source is None or target is None:
        gone = "the element it starts from" if source is None else "the element it leads to"
        raise ModellingError(
            f"The link was not added: {gone} has been removed from the theory of change since the page was "
            "loaded. Choose again from the updated lists."
        )
    problem = link_problem(source.kind, target.kind)
    if problem:
        raise ModellingError(problem)
    if Link.objects.filter(source=source, target=target).exists():
        raise ModellingError(f"'{source.text}' already leads to '{target.text}'.")
    link = Link.objects.create(toc=toc, source=source, target=target)
    _toc_saved(
        toc,
        actor=actor,
        change=f"Linked: {source.text} → {target.text}",
        changes={"link": ["", f"{source.text} → {target.text}"]},
    )
    return link


@transaction.atomic
def link_remove(*, actor: User, project: Project, link_id: int) -> None:
    toc = _lock_toc(project)
    link = toc.links.select_related("source", "target").filter(pk=link_id).first()
    if link is None:
        raise ModellingError("That link has already been removed.")
    text = f"{link.source.text} → {link.target.text}"
    link.delete()
    _toc_saved(toc, actor=actor, change=f"Unlinked: {text}", changes={"link": [text, ""]})


def toc_approve(*, decision: Decision, actor: User) -> ToCVersion | None:
    """The stage 2 checkpoint decided to proceed: record that it approved the latest theory of change version.

    Runs inside the decision's transaction (a journey proceed hook)."""
    toc = TheoryOfChange.objects.select_for_update().filter(project_id=decision.project_id).first()
    if toc is None:
        return None
    version = toc.versions.order_by("-number").first()
    if version is None:
        return None
    version.approved_decision = decision
    version.approved_at = decision.decided_at
    version.save(update_fields=["approved_decision", "approved_at"])
    audit.record(action=AuditAction.CHANGED, obj=toc, actor=actor, changes={"approved version": ["", version.number]})
    return version


# Evaluation plan


def plan_for(project: Project) -> EvaluationPlan:
    plan, _ = EvaluationPlan.objects.get_or_create(project=project)
    return plan


def _lock_plan(project: Project) -> EvaluationPlan:
    _require_started(project)
    plan = plan_for(project)
    return EvaluationPlan.objects.select_for_update().select_related("project").get(pk=plan.pk)


def plan_is_registered(plan: EvaluationPlan) -> bool:
    return plan.versions.filter(registered_at__isnull=False).exists()


def _plan_saved(
    plan: EvaluationPlan, *, actor: User, change: str, reason: str, changes: dict[str, Any]
) -> PlanVersion | None:
    """Write the plan's new version, unless nothing changed. After registration a reason is required."""
    snapshot = versions.plan_snapshot(plan)
    digest = versions.content_hash(snapshot)
    latest = plan.versions.order_by("-number").first()
    if latest is not None and latest.content_hash == digest:
        return None
    registered = plan_is_registered(plan)
    if registered and not reason.strip():
        raise ModellingError("The plan is registered: say why it is changing.")
    plan.version += 1
    plan.save(update_fields=["version", "updated_at"])
    version = PlanVersion.objects.create(
        plan=plan,
        number=plan.version,
        snapshot=snapshot,
        content_hash=digest,
        change=change[:300],
        reason=reason.strip() if registered else "",
        created_by=actor,
        created_at=timezone.now(),
    )
    extra = {"reason": ["", version.reason]} if version.reason else {}
    audit.record(
        action=AuditAction.CHANGED,
        obj=plan,
        actor=actor,
        changes={**changes, **extra, "version": ["", version.number]},
    )
    _touch(plan.project)
    return version


SECTION_FIELDS = {
    "design": ["design", "mixed_quantitative_design", "design_reasons"],
    "participants": [
        "participants",
        "comparison_group",
        "sample_size_intervention",
        "sample_size_comparison",
        "sample_size_basis",
    ],
    "data-sources": ["data_sources", "data_sources_detail"],
    "sharing": ["sharing"],
}
SECTION_NAMES = {
    "design": "design",
    "participants": "participants and sample size",
    "data-sources": "data sources",
    "sharing": "how findings will be shared",
}


@transaction.atomic
def plan_update_section(
    *, actor: User, project: Project, section: str, data: dict[str, Any], reason: str = ""
) -> EvaluationPlan:
    plan = _lock_plan(project)
    fields = SECTION_FIELDS[section]
    before = audit.snapshot(plan, fields)
    for name in fields:
        if name in data:
            value = data[name]
            setattr(plan, name, value.strip() if isinstance(value, str) else value)
    if plan.design != "mixed":
        plan.mixed_quantitative_design = ""
    plan.full_clean()
    changes = audit.diff(before, audit.snapshot(plan, fields))
    if changes:
        plan.save(update_fields=[*fields, "updated_at"])
        _plan_saved(plan, actor=actor, change=f"Changed the {SECTION_NAMES[section]}", reason=reason, changes=changes)
    return plan


def _item(plan: EvaluationPlan, model: Any, item_id: int | None) -> Any:
    if item_id is None:
        return model(plan=plan)
    item = model.objects.filter(plan=plan, pk=item_id).first()
    if item is None:
        raise ModellingError("That part of the plan has been removed since the page was loaded.")
    return item


def _check_outcomes(plan: EvaluationPlan, outcomes: Iterable[Element]) -> list[Element]:
    chosen = list(outcomes)
    valid = set(
        Element.objects.filter(
            toc__project_id=plan.project_id, kind__in=["outcome_short", "outcome_medium", "outcome_long"]
        ).values_list("pk", flat=True)
    )
    if any(e.pk not in valid for e in chosen):
        raise ModellingError("An outcome you chose is no longer in the theory of change. Choose again.")
    return chosen


@transaction.atomic
def question_save(
    *,
    actor: User,
    project: Project,
    text: str,
    outcomes: Iterable[Element],
    question_id: int | None = None,
    reason: str = "",
) -> PlanQuestion:
    plan = _lock_plan(project)
    question = _item(plan, PlanQuestion, question_id)
    chosen = _check_outcomes(plan, outcomes)
    before = question.text
    question.text = text.strip()
    if question_id is None:
        question.position = _next_position(plan.questions.all())
    question.full_clean()
    question.save()
    question.outcomes.set(chosen)
    _plan_saved(
        plan,
        actor=actor,
        change=("Changed the question: " if question_id else "Added the question: ") + question.text,
        reason=reason,
        changes={"question": [before, question.text]},
    )
    return question


@transaction.atomic
def outcome_save(
    *,
    actor: User,
    project: Project,
    outcome: Element,
    measure: Measure,
    reported_by: str,
    time_points: list[str],
    scoring: str,
    outcome_id: int | None = None,
    reason: str = "",
) -> PlanOutcome:
    plan = _lock_plan(project)
    row = _item(plan, PlanOutcome, outcome_id)
    _check_outcomes(plan, [outcome])
    if measure.organisation_id not in {None, project.organisation_id}:
        raise ModellingError("Choose a measure from the library.")
    row.outcome = outcome
    row.measure = measure
    row.reported_by = reported_by
    row.time_points = list(time_points)
    row.scoring = scoring.strip()
    if outcome_id is None:
        row.position = _next_position(plan.outcomes.all())
    row.full_clean()
    row.save()
    _plan_saved(
        plan,
        actor=actor,
        change=f"{'Changed' if outcome_id else 'Added'} the outcome to measure: {outcome.text} ({measure.name})",
        reason=reason,
        changes={"outcome to measure": ["", f"{outcome.text} ({measure.name})"]},
    )
    return row


@transaction.atomic
def analysis_save(
    *,
    actor: User,
    project: Project,
    question: PlanQuestion,
    outcome: PlanOutcome | None,
    method: str,
    groups: str,
    time_points: list[str],
    notes: str,
    analysis_id: int | None = None,
    reason: str = "",
) -> PlanAnalysis:
    from pine.modelling.checks import analysis_problems

    plan = _lock_plan(project)
    row = _item(plan, PlanAnalysis, analysis_id)
    if question.plan_id != plan.pk or (outcome is not None and outcome.plan_id != plan.pk):
        raise ModellingError("That question or outcome has been removed from the plan. Choose again.")
    problems = analysis_problems(
        method=method,
        groups=groups,
        time_points=time_points,
        outcome_time_points=outcome.time_points if outcome else None,
        design=plan.design,
        quantitative_design=plan.quantitative_design,
    )
    if problems:
        raise ModellingError(problems[0][1])
    row.question, row.outcome, row.method, row.groups = question, outcome, method, groups
    row.time_points = list(time_points)
    row.notes = notes.strip()
    if analysis_id is None:
        row.position = _next_position(plan.analyses.all())
    row.full_clean()
    row.save()
    _plan_saved(
        plan,
        actor=actor,
        change=f"{'Changed' if analysis_id else 'Planned'} the analysis for: {question.text}",
        reason=reason,
        changes={"analysis": ["", f"{METHODS[method].label if method in METHODS else method} for {question.text}"]},
    )
    return row


@transaction.atomic
def milestone_save(
    *, actor: User, project: Project, due: Any, what: str, milestone_id: int | None = None, reason: str = ""
) -> PlanMilestone:
    plan = _lock_plan(project)
    row = _item(plan, PlanMilestone, milestone_id)
    row.due, row.what = due, what.strip()
    row.full_clean()
    row.save()
    _plan_saved(plan, actor=actor, change=f"Timeline: {row.what}", reason=reason, changes={"milestone": ["", str(row)]})
    return row


@transaction.atomic
def risk_save(
    *, actor: User, project: Project, risk: str, mitigation: str, risk_id: int | None = None, reason: str = ""
) -> PlanRisk:
    plan = _lock_plan(project)
    row = _item(plan, PlanRisk, risk_id)
    row.risk, row.mitigation = risk.strip(), mitigation.strip()
    if risk_id is None:
        row.position = _next_position(plan.risks.all())
    row.full_clean()
    row.save()
    _plan_saved(plan, actor=actor, change=f"Risk: {row.risk}", reason=reason, changes={"risk": ["", row.risk]})
    return row


PLAN_ITEMS = {
    "questions": PlanQuestion,
    "outcomes": PlanOutcome,
    "analyses": PlanAnalysis,
    "timeline": PlanMilestone,
    "risks": PlanRisk,
}


@transaction.atomic
def plan_item_remove(*, actor: User, project: Project, kind: str, item_id: int, reason: str = "") -> None:
    plan = _lock_plan(project)
    row = _item(plan, PLAN_ITEMS[kind], item_id)
    text = str(row)
    if kind == "outcomes" and row.analyses.exists():
        raise ModellingError("An analysis uses this outcome: change or remove the analysis first.")
    if kind == "questions" and row.analyses.exists():
        raise ModellingError("This question has a planned analysis: remove the analysis first.")
    row.delete()
    _plan_saved(plan, actor=actor, change=f"Removed: {text}", reason=reason, changes={kind: [text, ""]})


def plan_register(*, decision: Decision, actor: User) -> PlanVersion | None:
    """The stage 3 checkpoint decided to proceed: register the plan as it now is (frozen, timestamped, hashed).

    Runs inside the decision's transaction (a journey proceed hook)."""
    plan = EvaluationPlan.objects.select_for_update().filter(project_id=decision.project_id).first()
    if plan is None or plan.version == 0:
        return None  # nothing written yet: there is no plan to register
    snapshot = versions.plan_snapshot(plan)
    digest = versions.content_hash(snapshot)
    version = plan.versions.order_by("-number").first()
    if version is None or version.content_hash != digest:
        plan.version += 1
        plan.save(update_fields=["version", "updated_at"])
        version = PlanVersion.objects.create(
            plan=plan,
            number=plan.version,
            snapshot=snapshot,
            content_hash=digest,
            change="Registered at the checkpoint",
            created_by=actor,
            created_at=decision.decided_at,
        )
    version.registered_at = decision.decided_at
    version.registered_by = actor
    version.registered_decision = decision
    version.save(update_fields=["registered_at", "registered_by", "registered_decision"])
    audit.record(
        action=AuditAction.CHANGED,
        obj=plan,
        actor=actor,
        changes={"registered version": ["", version.number], "content hash": ["", digest]},
    )
    return version


@transaction.atomic
def plan_use_sample_size(
    *,
    actor: User,
    project: Project,
    intervention: int,
    comparison: int | None,
    basis: str,
    reason: str = "",
    seen_version: int | None = None,
) -> EvaluationPlan:
    """Copy the calculator's answer into the plan's sample size. On a registered plan the change needs a reason
    and becomes a new version, which the report lists as a deviation. `seen_version` is the plan's version the
    person compared against: if someone changed the plan since, nothing is written and they are told."""
    plan = _lock_plan(project)
    if seen_version is not None and plan.version != seen_version:
        raise ModellingError(
            "Someone changed the plan while you were looking at it. Check the values it has now, then confirm again."
        )
    return plan_update_section(
        actor=actor,
        project=project,
        section="participants",
        data={
            "sample_size_intervention": intervention,
            "sample_size_comparison": comparison,
            "sample_size_basis": basis,
        },
        reason=reason,
    )


# Measures library

MEASURE_FIELDS = [
    "name",
    "measures_what",
    "completed_by",
    "items",
    "scoring",
    "licence",
    "cost",
    "validated",
    "source",
    "source_url",
]


@transaction.atomic
def measure_create(
    *, actor: User, organisation: Organisation | None, data: dict[str, Any], priorities: Iterable[Any] = ()
) -> Measure:
    measure = Measure(organisation=organisation, created_by=actor)
    for name in MEASURE_FIELDS:
        value = data.get(name)
        setattr(measure, name, value.strip() if isinstance(value, str) else value)
    measure.full_clean()
    measure.save()
    measure.priorities.set(priorities)
    audit.record(action=AuditAction.CREATED, obj=measure, actor=actor, changes=audit.created_changes(measure))
    return measure


@transaction.atomic
def measure_update(
    *, actor: User, measure: Measure, data: dict[str, Any], priorities: Iterable[Any] | None = None
) -> Measure:
    measure = Measure.objects.select_for_update().get(pk=measure.pk)
    before = audit.snapshot(measure, MEASURE_FIELDS)
    for name in MEASURE_FIELDS:
        if name in data:
            value = data[name]
            setattr(measure, name, value.strip() if isinstance(value, str) else value)
    measure.full_clean()
    changes = audit.diff(before, audit.snapshot(measure, MEASURE_FIELDS))
    if priorities is not None:
        measure.priorities.set(priorities)
    if changes:
        measure.save()
        audit.record(action=AuditAction.CHANGED, obj=measure, actor=actor, changes=changes)
    return measure


def record_export(*, actor: User, project: Project, filename: str) -> None:
    """Exports are audited like every other way data leaves PINE."""
    audit.record(action=AuditAction.EXPORTED, obj=project, actor=actor, changes={"file": ["", filename]})
