"""The journey's pages, as each role uses them, including bad input."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.urls import reverse
from django.utils import timezone

from pine.journey.models import Checkpoint, CheckpointStatus, Decision, Project, ProjectStage, StageStatus
from tests.conftest import World
from tests.journey.factories import meeting_started


def url(name: str, world: World, **kwargs: Any) -> str:
    return reverse(f"journey:{name}", kwargs={"pk": world.project.pk, **kwargs})


def date_fields(prefix: str, when: dt.date) -> dict[str, str]:
    return {f"{prefix}_0": str(when.day), f"{prefix}_1": str(when.month), f"{prefix}_2": str(when.year)}


def test_the_workspace_shows_stages_tasks_and_actions(world: World, client_as: Any) -> None:
    page = client_as("site_member").get(url("project", world)).content.decode()
    assert "Describe your intervention" in page and "Ready for checkpoint" in page
    assert "Send the draft theory of change" in page
    assert "Cannot start yet" in page


def test_requesting_a_checkpoint_with_bad_dates_gets_specific_messages(world: World, client_as: Any) -> None:
    project = world.project
    from pine.journey import services

    services.checkpoint_cancel(actor=world.users["practice_adviser"], checkpoint=world.checkpoint, reason="Moved")
    client = client_as("site_lead")
    request_url = url("checkpoint-request", world, number=2)
    empty = client.post(request_url, {}).content.decode()
    assert "Enter first suggested date" in empty and "Enter the time" in empty
    bad = client.post(request_url, {"date_1_0": "31", "date_1_1": "2", "date_1_2": "2027", "time_1": "25:99"})
    content = bad.content.decode()
    assert "First suggested date must be a real date" in content
    assert "Enter a time, like 10:00 or 2:30pm" in content
    assert 'value="31"' in content  # what was typed is kept
    past = timezone.localdate() - dt.timedelta(days=2)
    assert (
        "must be in the future"
        in client.post(request_url, {**date_fields("date_1", past), "time_1": "10:00"}).content.decode()
    )
    partial = client.post(request_url, {"date_1_0": "3", "date_1_1": "", "date_1_2": "2027", "time_1": "10:00"})
    assert "First suggested date must include a month" in partial.content.decode()
    future = timezone.localdate() + dt.timedelta(days=10)
    ok = client.post(request_url, {**date_fields("date_1", future), "time_1": "2:30pm", "message": "Any day"})
    assert ok.status_code == 302
    checkpoint = Checkpoint.objects.filter(project=project, status=CheckpointStatus.REQUESTED).get()
    assert timezone.localtime(dt.datetime.fromisoformat(checkpoint.proposed_times[0])).hour == 14
    assert ProjectStage.objects.get(project=project, number=2).status == StageStatus.READY


def test_site_people_cannot_decide_and_the_manager_cannot_either(world: World, client_as: Any) -> None:
    for role in ("site_lead", "site_member", "programme_manager"):
        response = client_as(role).post(
            url("checkpoint-decide", world, checkpoint=world.checkpoint.pk), {"outcome": "proceed"}
        )
        assert response.status_code == 403, role
    assert not Decision.objects.exists()


def test_an_adviser_records_a_decision_and_a_second_attempt_is_told(world: World, client_as: Any) -> None:
    """Revise needs reasons; the first decision stands and a second adviser is told who made it."""
    meeting_started(world.checkpoint)
    decide = url("checkpoint-decide", world, checkpoint=world.checkpoint.pk)
    missing = client_as("practice_adviser").post(decide, {"outcome": "revise", "reasons": ""})
    assert "Say what must change before the next checkpoint" in missing.content.decode()
    first = client_as("practice_adviser").post(
        decide,
        {"outcome": "proceed", "reasons": "Clear model.", "override": "on", "override_reason": "Agreed on paper."},
    )
    assert first.status_code == 302
    second = client_as("research_adviser").post(decide, {"outcome": "revise", "reasons": "Not yet"}, follow=True)
    assert "has already recorded a decision for this checkpoint: proceed to the next stage" in second.content.decode()
    assert Decision.objects.get().outcome == "proceed"
    assert ProjectStage.objects.get(project=world.project, number=3).status == StageStatus.OPEN


def test_scheduling_refuses_the_past_and_impossible_dates(world: World, client_as: Any) -> None:
    client = client_as("research_adviser")
    schedule = url("checkpoint-schedule", world, checkpoint=world.checkpoint.pk)
    past = timezone.localdate() - dt.timedelta(days=1)
    response = client.post(
        schedule,
        {"suggested": "other", **date_fields("date", past), "time": "10:00", "duration": "60", "location": "Online"},
    )
    assert "The meeting must be in the future" in response.content.decode()
    response = client.post(
        schedule,
        {
            "suggested": "other",
            "date_0": "30",
            "date_1": "13",
            "date_2": "2027",
            "time": "10:00",
            "duration": "7",
            "location": "",
        },
    )
    content = response.content.decode()
    assert "Date of the meeting must be a real date" in content
    assert "Select how long the meeting is" in content
    assert "Enter where the meeting is, or its video link" in content


def test_notes_conflict_shows_both_versions(world: World, client_as: Any) -> None:
    notes = url("checkpoint-notes", world, checkpoint=world.checkpoint.pk)
    client_as("practice_adviser").post(notes, {"notes": "First adviser's notes", "version": "0"})
    response = client_as("research_adviser").post(notes, {"notes": "Second adviser's notes", "version": "0"})
    content = response.content.decode()
    assert "changed these notes while you were editing them" in content
    assert "First adviser&#x27;s notes" in content and "Second adviser&#x27;s notes" in content
    world.checkpoint.refresh_from_db()
    assert world.checkpoint.notes == "First adviser's notes"


def test_the_calendar_file_downloads(world: World, client_as: Any) -> None:
    response = client_as("site_member").get(url("checkpoint-calendar", world, checkpoint=world.checkpoint.pk))
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert b"BEGIN:VEVENT" in response.content and world.checkpoint.calendar_uid.encode() in response.content


def test_project_settings_validate_dates_and_a_new_public_summary_waits_for_approval(
    world: World, client_as: Any
) -> None:
    client = client_as("site_lead")
    response = client.post(
        url("settings", world),
        {
            "title": "Thematic practice weeks",
            **date_fields("start_date", dt.date(2027, 4, 1)),
            **date_fields("expected_end_date", dt.date(2027, 3, 1)),
            "public_summary": "",
        },
    )
    assert "Expected end date must be after the start date" in response.content.decode()
    client.post(url("settings", world), {"title": "Thematic practice weeks", "public_summary": "We test weeks."})
    world.project.refresh_from_db()
    assert world.project.public_summary_status == "submitted"
    assert client.post(url("approve-summary", world)).status_code == 403
    client_as("programme_manager").post(url("approve-summary", world))
    world.project.refresh_from_db()
    assert world.project.public_summary_status == "approved"


def test_the_team_takes_only_people_from_the_organisation(world: World, client_as: Any) -> None:
    client = client_as("site_lead")
    outsider = world.users["other_site_lead"]
    response = client.post(url("team", world), {"user": outsider.pk, "role": "team_member"})
    assert "Select a person from the list" in response.content.decode()
    member = world.users["site_member"]
    assert client.post(url("team", world), {"user": member.pk, "role": "data_lead"}).status_code == 302
    assert world.project.members.get(user=member).role == "data_lead"


def test_the_timeline_shows_what_happened_on_the_project(world: World, client_as: Any) -> None:
    page = client_as("dpo").get(url("timeline", world)).content.decode()
    assert "Send the draft theory of change" in page
    assert "Checkpoint requested on" in page and "(stage 2 of Thematic practice weeks)" in page


def test_another_organisation_and_an_unassigned_adviser_get_not_found(world: World, client_as: Any) -> None:
    for role in ("other_site_lead", "other_adviser"):
        client = client_as(role)
        assert client.get(url("project", world)).status_code == 404
        assert client.post(url("action-status", world, action=world.action.pk), {"done": "yes"}).status_code == 404
    world.action.refresh_from_db()
    assert world.action.status == "open"


def test_dashboards_have_a_constant_number_of_queries(
    world: World, client_as: Any, django_assert_max_num_queries: Any
) -> None:
    from pine.journey import services

    for index in range(15):
        services.project_create(
            actor=world.users["programme_manager"],
            organisation=world.org_a,
            title=f"Project {index}",
            practice_adviser=world.users["practice_adviser"],
            initial_consultation_done=True,
        )
    for role in ("programme_manager", "practice_adviser", "site_lead"):
        client = client_as(role)
        with django_assert_max_num_queries(20):
            assert client.get(reverse("core:home")).status_code == 200
        with django_assert_max_num_queries(12):
            assert client.get(reverse("journey:project-list")).status_code == 200
    assert Project.objects.count() == 16


def test_the_plan_checkpoint_is_decided_by_the_research_adviser_only(world: World, client_as: Any) -> None:
    """Whether a plan is sound is a research judgement, and proceeding registers the plan."""
    from pine.journey import services

    practice, research = world.users["practice_adviser"], world.users["research_adviser"]
    meeting_started(world.checkpoint)
    services.decision_record(
        actor=practice, checkpoint=world.checkpoint, outcome="proceed", reasons="", override_reason="On paper."
    )
    stage = ProjectStage.objects.get(project=world.project, number=3)
    soon = timezone.now() + dt.timedelta(days=3)
    checkpoint = services.checkpoint_request(actor=world.users["site_lead"], stage=stage, proposed_times=[soon])
    services.checkpoint_schedule(
        actor=practice, checkpoint=checkpoint, starts_at=soon, duration_minutes=60, location="Video call"
    )
    meeting_started(checkpoint)
    decide = reverse("journey:checkpoint-decide", kwargs={"pk": world.project.pk, "checkpoint": checkpoint.pk})
    detail = reverse("journey:checkpoint", kwargs={"pk": world.project.pk, "checkpoint": checkpoint.pk})

    as_practice = client_as("practice_adviser")
    assert "The research adviser records this checkpoint" in as_practice.get(detail).content.decode()
    assert as_practice.get(decide).status_code == 403
    assert as_practice.post(decide, {"outcome": "proceed", "reasons": ""}).status_code == 403
    assert not Decision.objects.filter(checkpoint=checkpoint).exists()

    as_research = client_as("research_adviser")
    assert "Record the decision" in as_research.get(detail).content.decode()
    proceed = {"outcome": "proceed", "reasons": "", "override": "on", "override_reason": "The plan is on paper."}
    assert as_research.post(decide, proceed).status_code == 302
    assert Decision.objects.get(checkpoint=checkpoint).decided_by == research
    assert ProjectStage.objects.get(project=world.project, number=4).status == StageStatus.OPEN
    # Stage 2 stays either adviser's: the practice adviser decided it above.
    assert Decision.objects.get(checkpoint=world.checkpoint).decided_by == practice
