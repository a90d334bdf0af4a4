"""The journey's hard gates, in one place.

- No data collection before the data protection and ethics checkpoint (stage 4) has a *proceed* decision.
- Nothing about a project's findings becomes public before the report checkpoint (stage 7) has a *proceed*
  decision; publishing is then the programme manager's act.
- Stages are taken in order: only the open stage can be worked on or sent to its checkpoint, and only a
  *proceed* decision completes it and opens the next.
"""

from __future__ import annotations

from enum import StrEnum

from pine.journey.models import Project, ProjectStage, StageStatus
from pine.journey.stages import DATA_PROTECTION_STAGE, REPORT_STAGE


class Gate(StrEnum):
    COLLECT_DATA = "collect_data"
    PUBLISH = "publish"


GATE_STAGE = {Gate.COLLECT_DATA: DATA_PROTECTION_STAGE, Gate.PUBLISH: REPORT_STAGE}
GATE_MESSAGE = {
    Gate.COLLECT_DATA: "Data collection opens when the data protection and ethics checkpoint decides to proceed.",
    Gate.PUBLISH: "Nothing can be published until the report checkpoint decides to proceed.",
}


class GateClosed(Exception):
    """The step is not allowed yet; the message says why, for the person."""


def is_open(project: Project, gate: Gate) -> bool:
    return ProjectStage.objects.filter(project=project, number=GATE_STAGE[gate], status=StageStatus.COMPLETED).exists()


def require(project: Project, gate: Gate) -> None:
    if not is_open(project, gate):
        raise GateClosed(GATE_MESSAGE[gate])


def require_open_stage(stage: ProjectStage) -> None:
    """Work and checkpoint requests happen only on the stage that is open now."""
    if stage.status == StageStatus.LOCKED:
        raise GateClosed(f"Stage {stage.number}, {stage.title}, cannot start until the stage before it is completed.")
    if stage.status == StageStatus.COMPLETED:
        raise GateClosed(f"Stage {stage.number}, {stage.title}, is already completed.")
