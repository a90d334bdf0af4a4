"""Decisions are tied to the meeting and the work: after the meeting, past failing checks only with a reason."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from pine.journey import registry, services
from pine.journey.models import Decision, ProjectStage, StageStatus
from pine.journey.registry import StageState, TaskStatus
from pine.journey.selectors import workspace
from pine.modelling.models import EvaluationPlan
from tests.conftest import World
from tests.journey.factories import meeting_started


def decide_url(world: World) -> str:
    return reverse("journey:checkpoint-decide", kwargs={"pk": world.project.pk, "checkpoint": world.checkpoint.pk})


def test_a_decision_before_the_meeting_starts_is_refused(world: World) -> None:
    """The world's meeting is next week: recording its decision now is refused, with the start time given."""
    with pytest.raises(services.JourneyError, match="once the meeting has started. This meeting starts on"):
        services.decision_record(
            actor=world.users["practice_adviser"], checkpoint=world.checkpoint, outcome="revise", reasons="Early"
        )
    assert not Decision.objects.exists()
    meeting_started(world.checkpoint, minutes_ago=0)
    services.decision_record(
        actor=world.users["practice_adviser"], checkpoint=world.checkpoint, outcome="revise", reasons="At the start"
    )
    assert Decision.objects.get().reasons == "At the start"


def test_the_decision_page_says_when_it_can_be_recorded(world: World, client_as: Any) -> None:
    """Before the meeting the checkpoint page offers no decision button, and a posted decision gets the error."""
    client = client_as("practice_adviser")
    detail = client.get(world.checkpoint.get_absolute_url()).content.decode()
    assert "once the meeting has started" in detail and "Record the decision</a>" not in detail
    response = client.post(decide_url(world), {"outcome": "revise", "reasons": "Too early"})
    assert "A decision can only be recorded once the meeting has started" in response.content.decode()
    assert not Decision.objects.exists()


def test_proceeding_past_failing_checks_needs_a_recorded_reason(world: World) -> None:
    """Stage 2 without a theory of change fails its check: proceed is refused without a reason, kept with one."""
    meeting_started(world.checkpoint)
    adviser = world.users["practice_adviser"]
    with pytest.raises(services.ChecksFailing) as refused:
        services.decision_record(actor=adviser, checkpoint=world.checkpoint, outcome="proceed", reasons="Fine")
    assert refused.value.failing == ["The theory of change has not been started in PINE."]
    assert ProjectStage.objects.get(project=world.project, number=2).status != StageStatus.COMPLETED
    decision = services.decision_record(
        actor=adviser,
        checkpoint=world.checkpoint,
        outcome="proceed",
        reasons="Fine",
        override_reason="The model was agreed on paper; the team enters it next week.",
    )
    decision.refresh_from_db()
    assert decision.failing_checks == ["The theory of change has not been started in PINE."]
    assert decision.override_reason == "The model was agreed on paper; the team enters it next week."


def test_the_decide_form_shows_the_failing_checks_and_asks_for_the_override(world: World, client_as: Any) -> None:
    """The form lists the failing checks; proceed needs the box ticked and a reason; both then show on the pages."""
    meeting_started(world.checkpoint)
    client = client_as("practice_adviser")
    page = client.get(decide_url(world)).content.decode()
    assert "The theory of change has not been started in PINE." in page
    assert "Proceed although the checks above are failing" in page
    unticked = client.post(decide_url(world), {"outcome": "proceed", "reasons": "Fine"}).content.decode()
    assert "To proceed while checks are failing, confirm that you are overriding them" in unticked
    no_reason = client.post(decide_url(world), {"outcome": "proceed", "override": "on"}).content.decode()
    assert "Say why the stage can proceed although its checks are failing" in no_reason
    assert not Decision.objects.exists()
    # Revise needs no override: the checks are what the site will fix.
    ok = client.post(
        decide_url(world),
        {"outcome": "proceed", "override": "on", "override_reason": "Agreed on paper at the meeting."},
    )
    assert ok.status_code == 302
    checkpoint_page = client.get(world.checkpoint.get_absolute_url()).content.decode()
    assert "This decision proceeded although the stage" in checkpoint_page
    assert "Agreed on paper at the meeting." in checkpoint_page
    timeline = client.get(reverse("journey:timeline", kwargs={"pk": world.project.pk})).content.decode()
    assert "reason for overriding the checks: agreed on paper at the meeting." in timeline.lower()


def test_a_stage_whose_checks_pass_proceeds_without_an_override(world: World, monkeypatch: Any) -> None:
    """No override is asked for, or recorded, when every registered check of the stage passes."""
    monkeypatch.setattr(registry, "_STAGE_CHECKS", [])
    registry.on_check(2, lambda *, project: [])
    meeting_started(world.checkpoint)
    decision = services.decision_record(
        actor=world.users["practice_adviser"], checkpoint=world.checkpoint, outcome="proceed", reasons="Good"
    )
    assert decision.failing_checks == [] and decision.override_reason == ""


def test_a_task_is_completed_only_when_its_own_work_is(world: World) -> None:
    """Proceeding past missing work leaves those tasks Incomplete; the checkpoint and the record are Completed."""
    meeting_started(world.checkpoint)
    services.decision_record(
        actor=world.users["practice_adviser"],
        checkpoint=world.checkpoint,
        outcome="proceed",
        reasons="",
        override_reason="Agreed on paper.",
    )
    rows = {row.stage.number: {t.title: t.status for t in row.tasks} for row in workspace(project=world.project)}
    assert rows[2] == {
        "Read the guidance for this stage": TaskStatus.INCOMPLETE,
        "Build your theory of change": TaskStatus.INCOMPLETE,
        "Record what you produced": TaskStatus.COMPLETED,
        "Hold the checkpoint meeting": TaskStatus.COMPLETED,
    }


def test_the_sample_size_is_worked_out_only_with_its_calculation_recorded(world: World) -> None:
    """A number alone is In progress; the number with how it was worked out is Completed."""
    from pine.modelling.tasks import _sample_size_status

    stage = ProjectStage.objects.get(project=world.project, number=3)
    stage.status = StageStatus.OPEN
    state = StageState(stage)
    assert _sample_size_status(state) == TaskStatus.NOT_STARTED
    plan = EvaluationPlan.objects.create(project=world.project, sample_size_intervention=60)
    assert _sample_size_status(state) == TaskStatus.IN_PROGRESS
    plan.sample_size_basis = "80% power to detect d = 0.5 at the 5% level, two-sided."
    plan.save(update_fields=["sample_size_basis"])
    assert _sample_size_status(state) == TaskStatus.COMPLETED
    # The stage proceeding does not make an unfinished task Completed.
    plan.sample_size_basis = ""
    plan.save(update_fields=["sample_size_basis"])
    stage.status = StageStatus.COMPLETED
    stage.completed_at = timezone.now() - dt.timedelta(days=1)
    sample_size = next(t for t in registry.tasks_for(3) if t.slug == "sample-size")
    assert registry.task_status(sample_size, state) == TaskStatus.INCOMPLETE
