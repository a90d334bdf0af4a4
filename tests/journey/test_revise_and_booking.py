"""After *revise* the site sees what to change; checkpoints go by their meeting date; booking offers the site's
suggested times."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.urls import reverse
from django.utils import timezone

from pine.journey import services
from pine.journey.models import Checkpoint, CheckpointStatus, ProjectStage
from tests.conftest import World
from tests.journey.factories import meeting_started


def stage_url(world: World, number: int = 2) -> str:
    return reverse("journey:stage", kwargs={"pk": world.project.pk, "number": number})


def long_date(moment: dt.datetime) -> str:
    local = timezone.localtime(moment)
    return f"{local.day} {local:%B %Y}"


def test_after_revise_the_stage_page_shows_the_reasons_and_the_open_actions(world: World, client_as: Any) -> None:
    """The site lead sees the adviser's reasons and the checkpoint's open actions, not its finished ones."""
    meeting_started(world.checkpoint)
    adviser = world.users["practice_adviser"]
    done = services.action_create(
        actor=adviser,
        project=world.project,
        checkpoint=world.checkpoint,
        description="Already sorted",
        owner=world.users["site_lead"],
        due_date=timezone.localdate(),
    )
    services.action_set_done(actor=world.users["site_lead"], action=done, done=True)
    services.decision_record(
        actor=adviser, checkpoint=world.checkpoint, outcome="revise", reasons="Link each activity to an outcome."
    )
    page = client_as("site_lead").get(stage_url(world)).content.decode()
    assert "What to change" in page
    assert "Link each activity to an outcome." in page
    assert "Send the draft theory of change" in page  # the checkpoint's open action
    assert "Already sorted" not in page
    # Still shown while the site waits for the next meeting; gone once that meeting decides.
    again = services.checkpoint_request(
        actor=world.users["site_lead"],
        stage=ProjectStage.objects.get(project=world.project, number=2),
        proposed_times=[timezone.now() + dt.timedelta(days=4)],
    )
    assert "Link each activity to an outcome." in client_as("site_lead").get(stage_url(world)).content.decode()
    services.checkpoint_schedule(
        actor=adviser,
        checkpoint=again,
        starts_at=timezone.now() + dt.timedelta(days=4),
        duration_minutes=60,
        location="Online",
    )
    held = Checkpoint.objects.get(pk=world.checkpoint.pk)
    assert f"Since the last checkpoint ({held.label}, Revise" in Checkpoint.objects.get(pk=again.pk).agenda
    meeting_started(again)
    services.decision_record(
        actor=adviser, checkpoint=again, outcome="proceed", reasons="", override_reason="Agreed on paper."
    )
    assert "What to change" not in client_as("site_lead").get(stage_url(world)).content.decode()


def test_checkpoints_are_labelled_by_their_meeting_date(world: World, client_as: Any) -> None:
    """The checkpoint page, the stage's list and the programme home name a checkpoint by its meeting's date."""
    label = f"Checkpoint on {long_date(world.checkpoint.starts_at)}"  # type: ignore[arg-type]
    client = client_as("practice_adviser")
    assert (
        f'<h1 class="govuk-heading-l">{label}</h1>' in client.get(world.checkpoint.get_absolute_url()).content.decode()
    )
    assert label in client.get(stage_url(world)).content.decode()
    services.checkpoint_cancel(actor=world.users["practice_adviser"], checkpoint=world.checkpoint, reason="Ill")
    assert f">{label}</a>: Cancelled" in client.get(stage_url(world)).content.decode()


def test_booking_offers_the_sites_suggested_times(world: World, client_as: Any) -> None:
    """The times the site suggested are choices; choosing one books it; another time needs its date and time."""
    services.checkpoint_cancel(actor=world.users["practice_adviser"], checkpoint=world.checkpoint, reason="Moved")
    first = (timezone.now() + dt.timedelta(days=5)).replace(hour=10, minute=0, second=0, microsecond=0)
    second = first + dt.timedelta(days=1, hours=4)
    checkpoint = services.checkpoint_request(
        actor=world.users["site_lead"],
        stage=ProjectStage.objects.get(project=world.project, number=2),
        proposed_times=[first, second],
    )
    schedule = reverse("journey:checkpoint-schedule", kwargs={"pk": world.project.pk, "checkpoint": checkpoint.pk})
    client = client_as("research_adviser")
    page = client.get(schedule).content.decode()
    local = timezone.localtime(second)
    assert f"{local:%A} {local.day} {local:%B %Y}, 14:00" in page
    assert "Another date and time" in page
    nothing = client.post(schedule, {"duration": "60", "location": "Online"}).content.decode()
    assert "Select one of the suggested times, or another date and time" in nothing
    other = client.post(schedule, {"suggested": "other", "duration": "60", "location": "Online"}).content.decode()
    assert "Enter the date of the meeting" in other and "Enter the start time" in other
    booked = client.post(schedule, {"suggested": second.isoformat(), "duration": "60", "location": "Online"})
    assert booked.status_code == 302
    checkpoint = Checkpoint.objects.get(pk=checkpoint.pk)
    assert checkpoint.status == CheckpointStatus.SCHEDULED and checkpoint.starts_at == second
