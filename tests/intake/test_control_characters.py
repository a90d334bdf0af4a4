"""A proposer's name or intervention stored with line breaks and control characters: the emails about it are
still sent, with one-line subjects, and the proposals XLSX still opens."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice
from icalendar import Calendar
from openpyxl import load_workbook

from pine.intake import services
from pine.intake.models import Proposal
from pine.programme.seed import ensure_priorities
from tests.conftest import sign_in
from tests.factories import UserFactory
from tests.intake.factories import book, held, make_proposal

pytestmark = pytest.mark.django_db


@pytest.fixture
def proposal() -> dict[str, Any]:
    """A proposal whose contact name and intervention were stored with a line break and an escape character."""
    ensure_priorities()
    manager = UserFactory(programme_role="programme_manager", email="manager@pine.test")
    adviser = UserFactory(programme_role="practice_adviser", email="tom@pine.test")
    made = make_proposal()
    Proposal.objects.filter(pk=made.pk).update(
        contact_name="Jo\r\nCarter\x1b", intervention_name="Dads\r\nmatter\x1b groups"
    )
    made.refresh_from_db()
    return {"proposal": made, "manager": manager, "adviser": adviser}


def test_the_consultation_and_welcome_emails_are_sent_with_one_line_subjects(proposal: dict[str, Any]) -> None:
    """Booking emails everyone a valid calendar file naming the proposer; accepting sends the welcome email."""
    made, manager, adviser = proposal["proposal"], proposal["manager"], proposal["adviser"]
    services.proposal_assign(
        actor=manager, proposal=made, practice_adviser=adviser, research_adviser=None, triage_notes=""
    )
    mail.outbox.clear()
    consultation = book(made, actor=manager, advisers=[adviser])
    assert sorted(m.to[0] for m in mail.outbox) == ["jo.carter@westbrook.test", "tom@pine.test"]
    event = Calendar.from_ical(mail.outbox[0].attachments[0][1]).walk("VEVENT")[0]
    assert "Jo Carter" in [str(a.params["cn"]) for a in event["attendee"]]
    mail.outbox.clear()
    services.consultation_record(
        actor=adviser, consultation=held(consultation), notes="Scope agreed.", outcome="accept", reasons=""
    )
    subjects = [m.subject for m in mail.outbox]
    assert "Welcome to PINE: Dads matter groups" in subjects
    assert all("\n" not in m.message()["Subject"] for m in mail.outbox)


def test_the_proposals_xlsx_opens(proposal: dict[str, Any]) -> None:
    """The XLSX export downloads and opens, with the control characters removed from the cells."""
    manager = proposal["manager"]
    TOTPDevice.objects.create(user=manager, name="app", confirmed=True)
    response = sign_in(Client(), manager).get(reverse("intake:export", kwargs={"kind": "xlsx"}))
    assert response.status_code == 200
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert "Jo\r\nCarter" in rows[1] and "Dads\r\nmatter groups" in rows[1]
