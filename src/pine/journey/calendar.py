"""Calendar invitations (.ics) for checkpoint meetings, with icalendar (RFC 5545).

One UID per meeting; each reschedule raises SEQUENCE so calendars update the event in place, and a
cancellation is sent as METHOD:CANCEL with the same UID.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from icalendar import Calendar, Event, vCalAddress, vText

from pine.journey.models import Checkpoint


def checkpoint_calendar(checkpoint: Checkpoint, *, cancelled: bool = False) -> str:
    calendar = Calendar()
    calendar.add("prodid", "-//PINE Practice in Need of Evidence//Checkpoint meetings//EN")
    calendar.add("version", "2.0")
    calendar.add("method", "CANCEL" if cancelled else "REQUEST")
    event = Event()
    event.add("uid", checkpoint.calendar_uid)
    event.add("sequence", checkpoint.calendar_sequence)
    event.add("dtstamp", dt.datetime.now(dt.UTC))
    assert checkpoint.starts_at is not None and checkpoint.ends_at is not None
    event.add("dtstart", checkpoint.starts_at.astimezone(dt.UTC))
    event.add("dtend", checkpoint.ends_at.astimezone(dt.UTC))
    event.add(
        "summary",
        f"PINE checkpoint: {checkpoint.project.title}, stage {checkpoint.stage.number} ({checkpoint.stage.title})",
    )
    event.add(
        "description",
        f"Checkpoint meeting for {checkpoint.project.title}.\n"
        f"{settings.SERVICE_BASE_URL}{checkpoint.get_absolute_url()}",
    )
    if checkpoint.location:
        event.add("location", checkpoint.location)
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    organiser = vCalAddress(f"mailto:{settings.CONTACT_EMAIL}")
    organiser.params["cn"] = vText("PINE programme team")
    event["organizer"] = organiser
    for person in checkpoint.attendees.all():
        attendee = vCalAddress(f"mailto:{person.email}")
        attendee.params["cn"] = vText(person.full_name)
        attendee.params["role"] = vText("REQ-PARTICIPANT")
        event.add("attendee", attendee, encode=False)
    calendar.add_component(event)
    return calendar.to_ical().decode("utf-8")
