"""What each stage asks a project to do: its tasks, registered here once and shown everywhere.

The workspace's task list, stage pages, checkpoint agendas, dashboards and the demo all read this registry.
A part of PINE that adds work to a stage (the theory of change builder, the evaluation plan, the DPIA…)
registers a `StageTask` with `register`, giving how to tell its status from a project's data.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from django.urls import reverse

from pine.journey.models import Checkpoint, CheckpointStatus, DecisionOutcome, ProjectStage, StageStatus
from pine.journey.stages import STAGES


class TaskStatus(StrEnum):
    CANNOT_START = "Cannot start yet"
    NOT_STARTED = "Not started"
    IN_PROGRESS = "In progress"
    READY = "Ready for checkpoint"
    COMPLETED = "Completed"
    # A completed stage's task whose own work was not done (the stage proceeded without it).
    INCOMPLETE = "Incomplete"


@dataclass
class StageState:
    """What the registry's status functions may read about one stage, loaded once per page."""

    stage: ProjectStage
    checkpoints: list[Checkpoint] = field(default_factory=list)

    @property
    def latest_checkpoint(self) -> Checkpoint | None:
        live = [c for c in self.checkpoints if c.status != CheckpointStatus.CANCELLED]
        return max(live, key=lambda c: c.requested_at) if live else None


@dataclass(frozen=True)
class StageTask:
    stage: int
    slug: str
    title: str
    status: Callable[[StageState], TaskStatus]
    url: Callable[[ProjectStage], str]
    agenda: Callable[[StageState], list[str]] = lambda state: []
    order: int = 50  # place in the stage's task list: guidance first (10), summary (80) and checkpoint (90) last


_REGISTRY: list[StageTask] = []


def register(task: StageTask) -> StageTask:
    if any(t.stage == task.stage and t.slug == task.slug for t in _REGISTRY):
        raise ValueError(f"Stage {task.stage} already has a task {task.slug!r}.")
    _REGISTRY.append(task)
    return task


# Proceed hooks: other parts of PINE act on a stage's *proceed* decision without the journey knowing them (the
# stage 2 decision approves a theory of change version; the stage 3 decision registers the evaluation plan).
# A hook is called as `hook(decision=..., actor=...)` inside the decision's transaction: if it raises, no
# decision is recorded.
ProceedHook = Callable[..., object]
_PROCEED_HOOKS: list[tuple[int, ProceedHook]] = []


def on_proceed(stage: int, hook: ProceedHook) -> ProceedHook:
    if (stage, hook) not in _PROCEED_HOOKS:
        _PROCEED_HOOKS.append((stage, hook))
    return hook


def proceed_hooks(stage_number: int) -> list[ProceedHook]:
    return [hook for stage, hook in _PROCEED_HOOKS if stage == stage_number]


# Stage checks: other parts of PINE say what is still failing in a stage's work (the theory of change's gaps, the
# evaluation plan's missing sections) without the journey knowing them. A check is called as `check(project=...)`
# and returns plain-English sentences, one per failing check; an empty list when the work passes. The decision
# form shows them, and *proceed* past them needs an explicit, recorded reason.
StageCheck = Callable[..., list[str]]
_STAGE_CHECKS: list[tuple[int, StageCheck]] = []


def on_check(stage: int, check: StageCheck) -> StageCheck:
    if (stage, check) not in _STAGE_CHECKS:
        _STAGE_CHECKS.append((stage, check))
    return check


def failing_checks(stage_number: int, *, project: Any) -> list[str]:
    """Every failing check of a stage's work for this project, in the order the checks were registered."""
    return [message for stage, check in _STAGE_CHECKS if stage == stage_number for message in check(project=project)]


def tasks_for(stage_number: int) -> list[StageTask]:
    return sorted((task for task in _REGISTRY if task.stage == stage_number), key=lambda task: task.order)


def task_status(task: StageTask, state: StageState) -> TaskStatus:
    """A task is Completed only when its own test says its work is done, never because its stage proceeded."""
    if state.stage.status == StageStatus.LOCKED:
        return TaskStatus.CANNOT_START
    status = task.status(state)
    if state.stage.status == StageStatus.COMPLETED and status != TaskStatus.COMPLETED:
        return TaskStatus.INCOMPLETE
    return status


# The tasks every stage has. Later parts of PINE register their own beside these.


def _stage_url(stage: ProjectStage) -> str:
    return reverse("journey:stage", kwargs={"pk": stage.project_id, "number": stage.number})


def _guidance_status(state: StageState) -> TaskStatus:
    return TaskStatus.COMPLETED if state.stage.guidance_read_at else TaskStatus.NOT_STARTED


def _summary_status(state: StageState) -> TaskStatus:
    return TaskStatus.COMPLETED if state.stage.summary.strip() else TaskStatus.NOT_STARTED


def _checkpoint_status(state: StageState) -> TaskStatus:
    checkpoint = state.latest_checkpoint
    if checkpoint is None:
        return TaskStatus.NOT_STARTED
    if checkpoint.status in {CheckpointStatus.REQUESTED, CheckpointStatus.SCHEDULED}:
        return TaskStatus.READY
    decision = getattr(checkpoint, "decision", None)
    if decision is not None and decision.outcome == DecisionOutcome.PROCEED:
        return TaskStatus.COMPLETED
    return TaskStatus.IN_PROGRESS  # decided "revise": back to work


def _summary_agenda(state: StageState) -> list[str]:
    summary = state.stage.summary.strip()
    return [f"What the team produced: {summary}"] if summary else ["The team has not yet recorded what it produced."]


def _guidance_url(stage: ProjectStage) -> str:
    return reverse("guidance:page", kwargs={"slug": STAGES[stage.number - 1].guidance_slug})


for _definition in STAGES:
    register(
        StageTask(
            _definition.number,
            "guidance",
            "Read the guidance for this stage",
            _guidance_status,
            _guidance_url,
            order=10,
        )
    )
    if _definition.has_checkpoint:
        register(
            StageTask(
                _definition.number,
                "summary",
                "Record what you produced",
                _summary_status,
                _stage_url,
                _summary_agenda,
                order=80,
            )
        )
        register(
            StageTask(
                _definition.number,
                "checkpoint",
                "Hold the checkpoint meeting",
                _checkpoint_status,
                _stage_url,
                order=90,
            )
        )
