"""Line breaks and control characters already stored in a project title, a place or a person's name: every
notification email is still sent with a one-line subject, and the calendar files stay valid."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django.core import mail
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from pine.accounts.models import User
from pine.journey import services
from pine.journey.models import Project
from tests.conftest import World

NUL = "\x00" if connection.vendor == "sqlite" else ""  # PostgreSQL cannot store NUL in text at all
# Any control character but tab; in a calendar file lines end in CR LF, so those are checked apart.
CONTROL = re.compile(r"[\x00-\x08\x0b-\x0c\x0e-\x1f\x7f]")


def _store_bad_text(world: World) -> None:
    Project.objects.filter(pk=world.project.pk).update(title=f"Thematic\r\npractice\x1b weeks{NUL}")
    User.objects.filter(pk=world.users["site_lead"].pk).update(full_name='Sam\r\nLead\x0b "Sam"')


def test_emails_about_a_project_with_a_line_break_in_its_title_are_sent_with_one_line_subjects(
    world: World,
) -> None:
    """Moving the meeting emails every attendee, each with a one-line subject and a calendar file."""
    _store_bad_text(world)
    mail.outbox.clear()
    services.checkpoint_schedule(
        actor=world.users["practice_adviser"],
        checkpoint=world.checkpoint,
        starts_at=timezone.now() + dt.timedelta(days=9),
        duration_minutes=60,
        location="Town\x1b Hall,\r\nroom 2",
    )
    attendees = set(world.checkpoint.attendees.filter(is_active=True).values_list("email", flat=True))
    assert attendees and {m.to[0] for m in mail.outbox} == attendees
    world.checkpoint.refresh_from_db()
    for message in mail.outbox:
        assert message.subject == f"Moved: {world.checkpoint.label} for Thematic practice weeks"
        assert "\n" not in message.message()["Subject"]
        ((_, content, _),) = message.attachments
        _assert_valid_calendar(content)


def test_the_calendar_download_is_valid_with_control_characters_stored(world: World, client_as: Any) -> None:
    """The .ics download parses, and has no control characters in any of its fields."""
    _store_bad_text(world)
    type(world.checkpoint).objects.filter(pk=world.checkpoint.pk).update(location="Town\x1b Hall,\r\nroom 2")
    path = reverse("journey:checkpoint-calendar", kwargs={"pk": world.project.pk, "checkpoint": world.checkpoint.pk})
    response = client_as("site_member").get(path)
    assert response.status_code == 200
    event = _assert_valid_calendar(response.content.decode("utf-8"))
    assert str(event["summary"]).startswith("PINE checkpoint: Thematic practice weeks")
    assert str(event["location"]) == "Town Hall, room 2"
    names = [str(a.params["cn"]) for a in event["attendee"]]
    assert 'Sam Lead "Sam"' in names


def _assert_valid_calendar(content: str) -> Any:
    assert not CONTROL.search(content), repr(content)
    assert not re.search(r"\r(?!\n)|(?<!\r)\n", content)  # every line ends in CR LF, and only there
    (event,) = Calendar.from_ical(content).walk("VEVENT")
    for name in ("summary", "description", "location"):
        assert not CONTROL.search(str(event[name]))
    assert "\n" not in str(event["summary"]) and "\n" not in str(event["location"])
    return event
