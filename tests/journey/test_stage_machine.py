"""The stage machine and its gates: stages in order, completed only by a proceed decision."""

from __future__ import annotations

import datetime as dt
import threading
from typing import Any

import pytest
from django.db import connection
from django.utils import timezone

from pine.journey import gates, services
from pine.journey.models import (
    CheckpointStatus,
    Decision,
    DecisionOutcome,
    Project,
    ProjectStage,
    StageStatus,
)
from pine.journey.registry import TaskStatus, task_status, tasks_for
from pine.journey.selectors import stage_states, workspace
from tests.conftest import World
from tests.journey.factories import meeting_started

# The world's project has no theory of change or plan in PINE, so its stage 2 and 3 checks fail.
OVERRIDE = "Agreed on paper at the meeting."


def stage(project: Project, number: int) -> ProjectStage:
    return ProjectStage.objects.get(project=project, number=number)


def soon(days: int = 3) -> dt.datetime:
    return timezone.now() + dt.timedelta(days=days)


def test_a_new_project_has_eight_stages_with_only_the_first_open(world: World) -> None:
    project = services.project_create(actor=world.users["programme_manager"], organisation=world.org_a, title="New")
    statuses = list(ProjectStage.objects.filter(project=project).order_by("number").values_list("status", flat=True))
    assert statuses == ["open"] + ["locked"] * 7
    assert project.current_stage == 1


def test_after_the_initial_consultation_stage_two_is_open(world: World) -> None:
    assert stage(world.project, 1).status == StageStatus.COMPLETED
    assert stage(world.project, 2).status == StageStatus.READY  # its checkpoint is booked
    assert stage(world.project, 3).status == StageStatus.LOCKED


def test_proceed_completes_the_stage_and_opens_the_next(world: World) -> None:
    adviser = world.users["research_adviser"]
    meeting_started(world.checkpoint)
    decision = services.decision_record(
        actor=adviser, checkpoint=world.checkpoint, outcome="proceed", reasons="", override_reason=OVERRIDE
    )
    assert decision.stage_number == 2
    assert stage(world.project, 2).status == StageStatus.COMPLETED
    assert stage(world.project, 3).status == StageStatus.OPEN
    world.project.refresh_from_db()
    assert world.project.current_stage == 3


def test_revise_keeps_the_stage_open_and_needs_reasons(world: World) -> None:
    adviser = world.users["practice_adviser"]
    meeting_started(world.checkpoint)
    with pytest.raises(services.JourneyError, match="Say what must change"):
        services.decision_record(actor=adviser, checkpoint=world.checkpoint, outcome="revise", reasons=" ")
    services.decision_record(
        actor=adviser, checkpoint=world.checkpoint, outcome="revise", reasons="Link each activity to an outcome."
    )
    assert stage(world.project, 2).status == StageStatus.OPEN
    assert stage(world.project, 3).status == StageStatus.LOCKED
    # The team can ask again once the work is revised: a new checkpoint, a new decision; history keeps both.
    again = services.checkpoint_request(
        actor=world.users["site_lead"], stage=stage(world.project, 2), proposed_times=[soon()]
    )
    services.checkpoint_schedule(
        actor=adviser, checkpoint=again, starts_at=soon(), duration_minutes=60, location="Online"
    )
    meeting_started(again)
    services.decision_record(actor=adviser, checkpoint=again, outcome="proceed", reasons="", override_reason=OVERRIDE)
    assert list(
        Decision.objects.filter(project=world.project).order_by("decided_at").values_list("outcome", flat=True)
    ) == ["revise", "proceed"]


def test_a_stage_cannot_be_skipped(world: World) -> None:
    lead = world.users["site_lead"]
    with pytest.raises(gates.GateClosed, match="cannot start until"):
        services.checkpoint_request(actor=lead, stage=stage(world.project, 4), proposed_times=[soon()])
    with pytest.raises(gates.GateClosed, match="cannot start until"):
        services.stage_save_summary(actor=lead, stage=stage(world.project, 3), summary="skip", version=0)
    with pytest.raises(gates.GateClosed, match="already completed"):
        services.checkpoint_request(actor=lead, stage=stage(world.project, 1), proposed_times=[soon()])


def test_a_checkpoint_cannot_be_requested_twice_or_for_the_past(world: World) -> None:
    with pytest.raises(services.JourneyError, match="already requested"):
        services.checkpoint_request(
            actor=world.users["site_lead"], stage=stage(world.project, 2), proposed_times=[soon()]
        )
    project = services.project_create(
        actor=world.users["programme_manager"], organisation=world.org_a, title="P2", initial_consultation_done=True
    )
    with pytest.raises(services.JourneyError, match="must be in the future"):
        services.checkpoint_request(
            actor=world.users["site_lead"],
            stage=stage(project, 2),
            proposed_times=[timezone.now() - dt.timedelta(hours=1)],
        )


def test_data_collection_and_publication_gates(world: World) -> None:
    assert not gates.is_open(world.project, gates.Gate.COLLECT_DATA)
    with pytest.raises(gates.GateClosed, match="data protection and ethics checkpoint"):
        gates.require(world.project, gates.Gate.COLLECT_DATA)
    adviser = world.users["research_adviser"]
    meeting_started(world.checkpoint)
    services.decision_record(
        actor=adviser, checkpoint=world.checkpoint, outcome="proceed", reasons="", override_reason=OVERRIDE
    )
    for number in (3, 4):
        checkpoint = services.checkpoint_request(
            actor=world.users["site_lead"], stage=stage(world.project, number), proposed_times=[soon()]
        )
        services.checkpoint_schedule(
            actor=adviser, checkpoint=checkpoint, starts_at=soon(), duration_minutes=60, location="Online"
        )
        assert not gates.is_open(world.project, gates.Gate.COLLECT_DATA)
        meeting_started(checkpoint)
        services.decision_record(
            actor=adviser, checkpoint=checkpoint, outcome="proceed", reasons="", override_reason=OVERRIDE
        )
    assert gates.is_open(world.project, gates.Gate.COLLECT_DATA)
    assert not gates.is_open(world.project, gates.Gate.PUBLISH)


def test_a_decision_is_recorded_once_and_the_second_adviser_is_told(world: World) -> None:
    meeting_started(world.checkpoint)
    services.decision_record(
        actor=world.users["practice_adviser"],
        checkpoint=world.checkpoint,
        outcome="proceed",
        reasons="",
        override_reason=OVERRIDE,
    )
    with pytest.raises(services.AlreadyDecided, match="Practice|already recorded a decision"):
        services.decision_record(
            actor=world.users["research_adviser"], checkpoint=world.checkpoint, outcome="revise", reasons="No"
        )
    assert Decision.objects.filter(checkpoint=world.checkpoint).count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_advisers_deciding_at_the_same_moment_record_one_decision(world: World) -> None:
    """Two tabs, two advisers, one instant: the row lock (PostgreSQL) or the unique constraint (SQLite) keeps one."""
    results: list[Any] = []
    barrier = threading.Barrier(2)
    meeting_started(world.checkpoint)

    def decide(role: str, outcome: str) -> None:
        try:
            barrier.wait()
            services.decision_record(
                actor=world.users[role],
                checkpoint=world.checkpoint,
                outcome=outcome,
                reasons="Because",
                override_reason=OVERRIDE,
            )
            results.append("recorded")
        except services.JourneyError as problem:
            results.append(type(problem).__name__)
        except Exception as problem:  # SQLite may refuse the second writer as busy; that too is a refusal
            results.append(type(problem).__name__)
        finally:
            connection.close()

    threads = [
        threading.Thread(target=decide, args=("practice_adviser", "proceed")),
        threading.Thread(target=decide, args=("research_adviser", "revise")),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results.count("recorded") == 1
    assert Decision.objects.filter(checkpoint=world.checkpoint).count() == 1


def test_only_scheduled_checkpoints_are_decided_and_cancelling_reopens_the_stage(world: World) -> None:
    services.checkpoint_cancel(actor=world.users["practice_adviser"], checkpoint=world.checkpoint, reason="Ill")
    world.checkpoint.refresh_from_db()
    assert world.checkpoint.status == CheckpointStatus.CANCELLED
    assert stage(world.project, 2).status == StageStatus.OPEN
    with pytest.raises(services.JourneyError, match="booked checkpoint"):
        services.decision_record(
            actor=world.users["practice_adviser"],
            checkpoint=world.checkpoint,
            outcome=DecisionOutcome.PROCEED,
            reasons="",
        )


def test_notes_edited_by_two_people_never_silently_overwrite(world: World) -> None:
    first, second = world.users["practice_adviser"], world.users["research_adviser"]
    services.checkpoint_save_notes(actor=first, checkpoint=world.checkpoint, notes="Agreed the outcomes.", version=0)
    with pytest.raises(services.NotesConflict) as conflict:
        services.checkpoint_save_notes(actor=second, checkpoint=world.checkpoint, notes="My notes.", version=0)
    assert conflict.value.current.notes == "Agreed the outcomes."
    world.checkpoint.refresh_from_db()
    assert world.checkpoint.notes == "Agreed the outcomes." and world.checkpoint.notes_version == 1


def test_task_statuses_follow_the_stage_and_its_work(world: World) -> None:
    rows = {row.stage.number: row for row in workspace(project=world.project)}
    # Stage 1 was completed by the initial consultation, but nobody read its guidance in PINE.
    assert {t.status for t in rows[1].tasks} == {TaskStatus.INCOMPLETE}
    stage_two = {t.title: t.status for t in rows[2].tasks}
    assert stage_two == {
        "Read the guidance for this stage": TaskStatus.NOT_STARTED,
        "Build your theory of change": TaskStatus.NOT_STARTED,  # registered by pine.modelling
        "Record what you produced": TaskStatus.COMPLETED,
        "Hold the checkpoint meeting": TaskStatus.READY,
    }
    assert {t.status for t in rows[3].tasks} == {TaskStatus.CANNOT_START}
    state = stage_states(project=world.project)[7]
    assert [task_status(t, state) for t in tasks_for(8)] == [TaskStatus.CANNOT_START]


def test_every_stage_has_tasks_and_a_guidance_page() -> None:
    from pine.guidance import pages
    from pine.journey.stages import STAGES

    for definition in STAGES:
        assert tasks_for(definition.number), definition.title
        guidance = pages.page(definition.guidance_slug)
        assert guidance is not None and guidance.stage == definition.number, definition.guidance_slug
