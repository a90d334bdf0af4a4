"""Calendar invitations (.ics) for meetings, with icalendar (RFC 5545).

One UID per meeting; each change raises SEQUENCE so calendars update the event in place, and a cancellation is
sent as METHOD:CANCEL with the same UID. Text goes through `core.text.ics_text`: icalendar escapes line breaks but
writes other control characters as they are, which calendars reject.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from icalendar import Calendar, Event, vCalAddress, vText

from pine.core.text import ics_text


@dataclass(frozen=True)
class Meeting:
    uid: str
    sequence: int
    starts_at: dt.datetime
    ends_at: dt.datetime
    summary: str
    description: str
    location: str
    attendees: Iterable[tuple[str, str]]  # (name, email)


def meeting_calendar(meeting: Meeting, *, cancelled: bool = False) -> str:
    calendar = Calendar()
    calendar.add("prodid", "-//PINE Practice in Need of Evidence//Meetings//EN")
    calendar.add("version", "2.0")
    calendar.add("method", "CANCEL" if cancelled else "REQUEST")
    event = Event()
    event.add("uid", meeting.uid)
    event.add("sequence", meeting.sequence)
    event.add("dtstamp", dt.datetime.now(dt.UTC))
    event.add("dtstart", meeting.starts_at.astimezone(dt.UTC))
    event.add("dtend", meeting.ends_at.astimezone(dt.UTC))
    event.add("summary", ics_text(meeting.summary))
    event.add("description", ics_text(meeting.description, multiline=True))
    if meeting.location:
        event.add("location", ics_text(meeting.location))
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    organiser = vCalAddress(f"mailto:{settings.CONTACT_EMAIL}")
    organiser.params["cn"] = vText("PINE programme team")
    event["organizer"] = organiser
    for name, email in meeting.attendees:
        attendee = vCalAddress(f"mailto:{ics_text(email)}")
        attendee.params["cn"] = vText(ics_text(name))  # icalendar encodes quotes in parameters (RFC 6868)
        attendee.params["role"] = vText("REQ-PARTICIPANT")
        event.add("attendee", attendee, encode=False)
    calendar.add_component(event)
    return calendar.to_ical().decode("utf-8")


def attachment(invitation: str, *, cancelled: bool) -> list[str]:
    method = "CANCEL" if cancelled else "REQUEST"
    return ["invitation.ics", invitation, f"text/calendar; method={method}; charset=utf-8"]
