"""Changing a project's advisers carries through to every checkpoint still to come, and tells the people."""

from __future__ import annotations

import datetime as dt
from typing import Any
from unittest import mock

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from pine.core import audit
from pine.core.models import AuditEvent
from pine.journey import services
from pine.journey.models import Checkpoint, Project, ProjectStage
from tests.conftest import World
from tests.factories import UserFactory


def calendar_mail(to: str) -> list[Calendar]:
    return [Calendar.from_ical(m.attachments[0][1]) for m in mail.outbox if m.to == [to] and m.attachments]


def attendee_emails(calendar: Calendar) -> set[str]:
    event = calendar.walk("VEVENT")[0]
    found = event.get("attendee", [])
    found = found if isinstance(found, list) else [found]
    return {str(a).removeprefix("mailto:") for a in found}


def test_a_new_adviser_is_invited_and_the_removed_one_gets_a_cancellation_for_them_alone(world: World) -> None:
    """The booked meeting keeps its UID; SEQUENCE rises; REQUEST to the new adviser, CANCEL to the removed one."""
    old, new = world.users["practice_adviser"], world.users["other_adviser"]
    research = world.users["research_adviser"]
    mail.outbox.clear()
    services.project_advisers_change(
        actor=world.users["programme_manager"], project=world.project, practice_adviser=new, research_adviser=research
    )
    checkpoint = Checkpoint.objects.get(pk=world.checkpoint.pk)
    assert new in checkpoint.attendees.all() and old not in checkpoint.attendees.all()
    assert checkpoint.calendar_sequence == 1

    (cancel,) = calendar_mail(old.email)
    event = cancel.walk("VEVENT")[0]
    assert str(cancel["method"]) == "CANCEL"
    assert str(event["uid"]) == checkpoint.calendar_uid and event["sequence"] == 1
    assert attendee_emails(cancel) == {old.email}  # the meeting goes ahead for everyone else

    (invite,) = calendar_mail(new.email)
    event = invite.walk("VEVENT")[0]
    assert str(invite["method"]) == "REQUEST"
    assert str(event["uid"]) == checkpoint.calendar_uid and event["sequence"] == 1
    assert new.email in attendee_emails(invite) and old.email not in attendee_emails(invite)

    told = {m.to[0] for m in mail.outbox if m.subject.startswith("Advisers changed")}
    assert {old.email, new.email, research.email, world.users["site_lead"].email} <= told
    no_longer = next(m for m in mail.outbox if m.to == [old.email] and m.subject.startswith("Advisers changed"))
    assert "You are no longer an adviser" in no_longer.body
    changes = [e.changes for e in AuditEvent.objects.filter(project_id=world.project.pk).order_by("pk")]
    # The append-only log names the accounts by reference, never by name.
    assert {"practice adviser": [audit.label(old), audit.label(new)]} in changes
    assert any(c.get("attendees added") == ["", audit.label(new)] for c in changes)


def test_a_requested_checkpoint_gets_the_new_adviser_who_is_asked_to_book_it(world: World) -> None:
    """A checkpoint not yet booked changes its attendees, and the new adviser gets the request to book it."""
    services.checkpoint_cancel(actor=world.users["practice_adviser"], checkpoint=world.checkpoint, reason="Moved")
    stage = ProjectStage.objects.get(project=world.project, number=2)
    requested = services.checkpoint_request(
        actor=world.users["site_lead"], stage=stage, proposed_times=[timezone.now() + dt.timedelta(days=5)]
    )
    old = world.users["research_adviser"]
    new = UserFactory(programme_role="research_adviser", email="new.research@pine.test")
    mail.outbox.clear()
    services.project_advisers_change(
        actor=world.users["programme_manager"],
        project=world.project,
        practice_adviser=world.users["practice_adviser"],
        research_adviser=new,
    )
    assert set(requested.attendees.all()) >= {new} and old not in requested.attendees.all()
    assert [m.subject for m in mail.outbox if m.to == [new.email]] == [
        "Checkpoint requested: Thematic practice weeks",
        "Advisers changed: Thematic practice weeks",
    ]
    assert not [m for m in mail.outbox if m.attachments]  # nothing booked yet, so no calendar files
    asked = next(m for m in mail.outbox if m.to == [new.email] and m.subject.startswith("Checkpoint requested"))
    suggested = timezone.localtime(requested.starts_at or dt.datetime.fromisoformat(requested.proposed_times[0]))
    assert f"- {suggested:%A} {suggested.day} {suggested:%B %Y}, {suggested:%H:%M}" in asked.body


def test_a_meeting_already_held_is_left_as_it_was(world: World) -> None:
    """Only checkpoints still to come change: a meeting that has started keeps the advisers who were there."""
    Checkpoint.objects.filter(pk=world.checkpoint.pk).update(starts_at=timezone.now() - dt.timedelta(hours=1))
    old = world.users["practice_adviser"]
    services.project_advisers_change(
        actor=world.users["programme_manager"],
        project=world.project,
        practice_adviser=world.users["other_adviser"],
        research_adviser=world.users["research_adviser"],
    )
    assert old in world.checkpoint.attendees.all()


def test_the_change_and_its_invitations_are_one_transaction(world: World) -> None:
    """If an email cannot be queued, the adviser change is not made either."""
    with (
        mock.patch("pine.core.notify.queue", side_effect=RuntimeError("queue down")),
        pytest.raises(RuntimeError),
    ):
        services.project_advisers_change(
            actor=world.users["programme_manager"],
            project=world.project,
            practice_adviser=world.users["other_adviser"],
            research_adviser=world.users["research_adviser"],
        )
    project = Project.objects.get(pk=world.project.pk)
    assert project.practice_adviser == world.users["practice_adviser"]
    assert world.users["other_adviser"] not in world.checkpoint.attendees.all()


def test_advisers_are_not_changed_behind_their_meetings_backs(world: World) -> None:
    """The general project update refuses adviser fields: only the advisers service updates the meetings."""
    with pytest.raises(services.JourneyError, match="project_advisers_change"):
        services.project_update(
            actor=world.users["programme_manager"],
            project=world.project,
            data={"practice_adviser": world.users["other_adviser"]},
        )


def test_the_advisers_page_invites_the_new_adviser(world: World, client_as: Any) -> None:
    """Assigning advisers on the page carries through to the booked checkpoint."""
    page = reverse("journey:advisers", kwargs={"pk": world.project.pk})
    new = world.users["other_adviser"]
    response = client_as("programme_manager").post(
        page, {"practice_adviser": new.pk, "research_adviser": world.users["research_adviser"].pk}
    )
    assert response.status_code == 302
    assert new in world.checkpoint.attendees.all()
    assert world.users["practice_adviser"] not in world.checkpoint.attendees.all()
