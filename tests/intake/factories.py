"""Proposals for tests, sent and triaged through the services."""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Any

from django.utils import timezone

from pine.accounts.models import User
from pine.intake import services
from pine.intake.models import Proposal
from pine.programme.models import Priority

ANSWERS: dict[str, Any] = {
    "organisation_name": "Westbrook Borough Council",
    "organisation_kind": "local_authority",
    "organisation_region": "west_midlands",
    "contact_name": "Jo Carter",
    "contact_role": "Principal social worker",
    "contact_email": "jo.carter@westbrook.test",
    "contact_phone": "01632 960 123",
    "intervention_name": "Dads matter groups",
    "intervention_what": "Weekly groups for fathers of babies on child protection plans.",
    "intervention_who": "Fathers and male carers of children under one.",
    "intervention_why": "Engaged fathers are better able to keep babies safe.",
    "intervention_stage": "pilot",
    "involves_under_ones": True,
    "involves_male_carers": True,
    "want_to_find_out": "Whether fathers engage more with plans.",
    "data_already_collected": "Attendance registers.",
    "timescale": "A year from April",
    "heard_about": "A colleague",
}


def make_proposal(**overrides: Any) -> Proposal:
    answers = {**ANSWERS, **overrides}
    priorities = Priority.objects.filter(name__startswith="Safeguarding")
    return services.proposal_submit(
        answers=answers, priorities=priorities, submission_key=secrets.token_hex(16), address=None
    )


def book(proposal: Proposal, *, actor: User, advisers: list[User], days: int = 5) -> Any:
    return services.consultation_book(
        actor=actor,
        proposal=proposal,
        starts_at=timezone.now() + dt.timedelta(days=days),
        duration_minutes=60,
        location="Video call",
        advisers=advisers,
    )


def held(consultation: Any, *, minutes_ago: int = 60) -> Any:
    """Move a booked consultation's start into the past, as if it had been held: an outcome may only follow it."""
    started = timezone.now() - dt.timedelta(minutes=minutes_ago)
    type(consultation).objects.filter(pk=consultation.pk).update(starts_at=started)
    consultation.starts_at = started
    return consultation
