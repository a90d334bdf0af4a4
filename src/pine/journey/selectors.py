"""Reads for the journey: the workspace, agendas, timelines and dashboards, in a fixed number of queries."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db.models import Count, Min, Prefetch, Q, QuerySet
from django.utils import timezone

from pine.core.models import AuditEvent
from pine.journey.models import (
    Action,
    ActionStatus,
    Checkpoint,
    CheckpointStatus,
    Decision,
    DecisionOutcome,
    Project,
    ProjectStage,
    StageStatus,
)
from pine.journey.registry import StageState, TaskStatus, failing_checks, task_status, tasks_for
from pine.journey.stages import STAGES


@dataclass(frozen=True)
class TaskRow:
    title: str
    url: str
    status: TaskStatus


@dataclass(frozen=True)
class StageRow:
    stage: ProjectStage
    state: StageState
    tasks: list[TaskRow]


def stage_states(*, project: Project) -> list[StageState]:
    checkpoints = list(Checkpoint.objects.filter(project=project).select_related("decision"))
    states = []
    for stage in ProjectStage.objects.filter(project=project).order_by("number"):
        stage.project = project  # already loaded: spare a query per stage
        states.append(StageState(stage, [c for c in checkpoints if c.stage_id == stage.pk]))
    return states


def workspace(*, project: Project) -> list[StageRow]:
    rows = []
    for state in stage_states(project=project):
        tasks = [TaskRow(t.title, t.url(state.stage), task_status(t, state)) for t in tasks_for(state.stage.number)]
        rows.append(StageRow(state.stage, state, tasks))
    return rows


def checkpoint_agenda(*, checkpoint: Checkpoint) -> str:
    """A starting agenda from the stage's work: what it asked for, what was produced, changes, open actions."""
    stage = checkpoint.stage
    state = next(s for s in stage_states(project=checkpoint.project) if s.stage.pk == stage.pk)
    definition = STAGES[stage.number - 1]
    lines = [
        f"Checkpoint for stage {stage.number}: {stage.title}",
        "",
        f"1. What this stage asks for: {definition.produces}.",
    ]
    produced = [line for task in tasks_for(stage.number) for line in task.agenda(state)]
    lines += [f"{index}. {line}" for index, line in enumerate(produced, start=2)]
    number = 2 + len(produced)
    previous = (
        Decision.objects.filter(project=checkpoint.project, stage_number=stage.number)
        .select_related("checkpoint")
        .order_by("-decided_at")
    )
    last = previous.first()
    if last is not None:
        lines.append(
            f"{number}. Since the last checkpoint ({last.checkpoint.label}, {last.get_outcome_display()}):"
            f" {last.reasons or 'no changes were asked for'}."
        )
        number += 1
    open_actions = Action.objects.filter(project=checkpoint.project, status=ActionStatus.OPEN).select_related("owner")
    if open_actions:
        lines.append(f"{number}. Open actions:")
        lines += [f"   - {a.description} ({a.owner.full_name}, due {a.due_date:%d %B %Y})" for a in open_actions]
        number += 1
    lines.append(f"{number}. Decision: {definition.checkpoint_decides}: proceed, or revise with what must change.")
    return "\n".join(lines)


def project_timeline(*, project: Project, limit: int = 200) -> QuerySet[AuditEvent]:
    return AuditEvent.objects.filter(project_id=project.pk).select_related("actor")[:limit]


def project_actions(*, project: Project) -> QuerySet[Action]:
    return Action.objects.filter(project=project).select_related("owner", "checkpoint__stage")


def person_open_actions(*, user: Any) -> QuerySet[Action]:
    return Action.objects.filter(owner=user, status=ActionStatus.OPEN).select_related("project").order_by("due_date")


def _with_dashboard_facts(projects: QuerySet[Project]) -> QuerySet[Project]:
    today = timezone.localdate()
    return projects.select_related("organisation", "practice_adviser", "research_adviser").annotate(
        overdue_actions=Count(
            "actions", filter=Q(actions__status=ActionStatus.OPEN, actions__due_date__lt=today), distinct=True
        ),
        next_checkpoint=Min(
            "checkpoints__starts_at",
            filter=Q(checkpoints__status=CheckpointStatus.SCHEDULED, checkpoints__starts_at__gte=timezone.now()),
        ),
    )


def project_list(*, projects: QuerySet[Project]) -> QuerySet[Project]:
    return _with_dashboard_facts(projects).order_by("title")


def stuck_threshold() -> dt.timedelta:
    return dt.timedelta(weeks=settings.PINE_STUCK_AFTER_WEEKS)


def programme_dashboard(*, projects: QuerySet[Project]) -> dict[str, Any]:
    now = timezone.now()
    listed = list(project_list(projects=projects))
    open_stages = {
        s.project_id: s.opened_at
        for s in ProjectStage.objects.filter(
            project__in=[p.pk for p in listed], status__in=[StageStatus.OPEN, StageStatus.READY]
        )
    }
    per_stage = {definition.number: 0 for definition in STAGES}
    for project in listed:
        per_stage[project.current_stage] += 1
        opened = open_stages.get(project.pk)
        project.stage_opened_at = opened  # type: ignore[attr-defined]
        project.stuck = bool(opened and now - opened > stuck_threshold())  # type: ignore[attr-defined]
    month_start = now.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    next_month = (month_start + dt.timedelta(days=32)).replace(day=1)
    this_month = (
        Checkpoint.objects.filter(
            project__in=projects,
            status=CheckpointStatus.SCHEDULED,
            starts_at__gte=month_start,
            starts_at__lt=next_month,
        )
        .select_related("project", "stage")
        .order_by("starts_at")
    )
    return {
        "projects": listed,
        "per_stage": [(definition, per_stage[definition.number]) for definition in STAGES],
        "checkpoints_this_month": this_month,
        "stuck": [p for p in listed if p.stuck],  # type: ignore[attr-defined]
        "stuck_weeks": settings.PINE_STUCK_AFTER_WEEKS,
    }


def checkpoint_detail(*, checkpoint: Checkpoint) -> dict[str, Any]:
    return {
        "checkpoint": checkpoint,
        "attendees": checkpoint.attendees.order_by("full_name"),
        "actions": checkpoint.actions.select_related("owner"),
        "decision": Decision.objects.select_related("decided_by").filter(checkpoint=checkpoint).first(),
        "proposed_times": [dt.datetime.fromisoformat(t) for t in checkpoint.proposed_times],
    }


def stage_history(*, stage: ProjectStage) -> QuerySet[Checkpoint]:
    return stage.checkpoints.select_related("decision__decided_by", "requested_by").prefetch_related(
        Prefetch("actions", queryset=Action.objects.select_related("owner"))
    )


def checkpoint_suggested_times(*, checkpoint: Checkpoint) -> list[dt.datetime]:
    """The times the site suggested when it asked for the meeting, earliest first."""
    return checkpoint.suggested_times


def stage_failing_checks(*, stage: ProjectStage) -> list[str]:
    """What the stage's registered checks find failing in its work now (empty when it passes)."""
    return failing_checks(stage.number, project=stage.project)


def stage_revision(*, stage: ProjectStage) -> dict[str, Any]:
    """After a *revise* decision, what the site must change: the decision's reasons and the open actions from
    that checkpoint, until the next decision (or the stage is completed)."""
    latest = (
        Decision.objects.filter(checkpoint__stage=stage)
        .select_related("decided_by", "checkpoint")
        .order_by("-decided_at", "-pk")
        .first()
    )
    if (
        latest is None
        or latest.outcome != DecisionOutcome.REVISE
        or stage.status not in {StageStatus.OPEN, StageStatus.READY}
    ):
        return {"revision": None, "revision_actions": []}
    actions = latest.checkpoint.actions.filter(status=ActionStatus.OPEN).select_related("owner").order_by("due_date")
    return {"revision": latest, "revision_checkpoint": latest.checkpoint, "revision_actions": list(actions)}
