"""Checkpoint meetings: calendar invitations, agendas, actions and reminders."""

from __future__ import annotations

import datetime as dt

from django.core import mail
from django.utils import timezone
from icalendar import Calendar

from pine.journey import services
from pine.journey.models import Action, ActionStatus
from pine.journey.selectors import checkpoint_agenda
from tests.conftest import World


def invitation(message: mail.EmailMessage) -> Calendar:
    ((name, content, mimetype),) = message.attachments
    assert name == "invitation.ics" and mimetype.startswith("text/calendar")
    return Calendar.from_ical(content)


def test_booking_sends_everyone_a_calendar_invitation_and_moving_it_sends_an_update(world: World) -> None:
    booked = [m for m in mail.outbox if m.subject.startswith("Booked")]
    attendees = {m.to[0] for m in booked}
    assert {
        world.users["site_lead"].email,
        world.users["practice_adviser"].email,
        world.users["research_adviser"].email,
    } <= attendees
    first = invitation(booked[0]).walk("VEVENT")[0]
    assert str(first["uid"]) == world.checkpoint.calendar_uid and first["sequence"] == 0
    mail.outbox.clear()
    later = timezone.now() + dt.timedelta(days=9)
    services.checkpoint_schedule(
        actor=world.users["practice_adviser"],
        checkpoint=world.checkpoint,
        starts_at=later,
        duration_minutes=90,
        location="Online",
    )
    moved = invitation(mail.outbox[0])
    event = moved.walk("VEVENT")[0]
    assert str(moved["method"]) == "REQUEST"
    assert str(event["uid"]) == world.checkpoint.calendar_uid and event["sequence"] == 1
    assert event["dtend"].dt - event["dtstart"].dt == dt.timedelta(minutes=90)
    mail.outbox.clear()
    services.checkpoint_cancel(actor=world.users["practice_adviser"], checkpoint=world.checkpoint, reason="Moved")
    cancelled = invitation(mail.outbox[0])
    assert str(cancelled["method"]) == "CANCEL"
    assert cancelled.walk("VEVENT")[0]["sequence"] == 2
    assert str(cancelled.walk("VEVENT")[0]["status"]) == "CANCELLED"


def test_the_agenda_is_drawn_from_the_stage_work_and_open_actions(world: World) -> None:
    agenda = checkpoint_agenda(checkpoint=world.checkpoint)
    assert "Checkpoint for stage 2: Describe your intervention" in agenda
    assert "Our theory of change, version 1." in agenda
    assert "Send the draft theory of change" in agenda
    # A starting agenda was written when the meeting was booked (before the action existed).
    assert "Our theory of change, version 1." in world.checkpoint.agenda


def test_reminders_go_the_day_before_and_only_once(world: World) -> None:
    world.action.due_date = timezone.localdate() + dt.timedelta(days=1)
    world.action.save(update_fields=["due_date"])
    done = services.action_create(
        actor=world.users["practice_adviser"],
        project=world.project,
        description="Done already",
        owner=world.users["site_lead"],
        due_date=timezone.localdate() + dt.timedelta(days=1),
    )
    services.action_set_done(actor=world.users["site_lead"], action=done, done=True)
    mail.outbox.clear()
    assert services.actions_send_reminders() == 1
    assert mail.outbox[0].to == [world.users["site_lead"].email]
    assert "due tomorrow" in mail.outbox[0].body
    assert services.actions_send_reminders() == 0


def test_actions_cannot_be_due_in_the_past_or_owned_by_outsiders(world: World) -> None:
    import pytest

    with pytest.raises(services.JourneyError, match="today or in the future"):
        services.action_create(
            actor=world.users["practice_adviser"],
            project=world.project,
            description="x",
            owner=world.users["site_lead"],
            due_date=timezone.localdate() - dt.timedelta(days=1),
        )
    with pytest.raises(services.JourneyError, match="not in this project's team"):
        services.action_create(
            actor=world.users["practice_adviser"],
            project=world.project,
            description="x",
            owner=world.users["other_site_lead"],
            due_date=timezone.localdate(),
        )
    assert Action.objects.filter(status=ActionStatus.OPEN).count() == 1
