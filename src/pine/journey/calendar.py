"""The calendar invitation for a checkpoint meeting."""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings

from pine.accounts.models import User
from pine.core.calendar import Meeting, meeting_calendar
from pine.journey.models import Checkpoint


def checkpoint_calendar(
    checkpoint: Checkpoint, *, cancelled: bool = False, attendees: Iterable[User] | None = None
) -> str:
    """The meeting's invitation (or cancellation). `attendees` narrows it, e.g. to the one person removed from it."""
    assert checkpoint.starts_at is not None and checkpoint.ends_at is not None
    people = checkpoint.attendees.all() if attendees is None else attendees
    project, stage = checkpoint.project, checkpoint.stage
    return meeting_calendar(
        Meeting(
            uid=checkpoint.calendar_uid,
            sequence=checkpoint.calendar_sequence,
            starts_at=checkpoint.starts_at,
            ends_at=checkpoint.ends_at,
            summary=f"PINE checkpoint: {project.title}, stage {stage.number} ({stage.title})",
            description=f"Checkpoint meeting for {project.title}.\n"
            f"{settings.SERVICE_BASE_URL}{checkpoint.get_absolute_url()}",
            location=checkpoint.location,
            attendees=[(p.full_name, p.email) for p in people],
        ),
        cancelled=cancelled,
    )
