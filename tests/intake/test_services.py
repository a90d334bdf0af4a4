"""Intake's rules, tested without HTTP: sending, drafts, triage, consultations and acceptance."""

from __future__ import annotations

import datetime as dt
from typing import Any
from unittest import mock

import pytest
from django.core import mail
from django.db.models import F
from django.utils import timezone
from icalendar import Calendar

from pine.accounts.models import Invitation, Organisation
from pine.core.models import AuditAction, AuditEvent, RateCounter
from pine.intake import services
from pine.intake.models import (
    Consultation,
    ConsultationStatus,
    DeclineTemplate,
    Proposal,
    ProposalStatus,
    SentEmail,
)
from pine.journey.models import Project, ProjectStage, StageStatus
from pine.programme.models import Priority
from pine.programme.seed import ensure_priorities
from tests.factories import OrganisationFactory, UserFactory
from tests.intake.factories import ANSWERS, book, held, make_proposal

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff() -> dict[str, Any]:
    ensure_priorities()
    return {
        "manager": UserFactory(programme_role="programme_manager", email="manager@pine.test"),
        "practice": UserFactory(programme_role="practice_adviser", email="tom@pine.test", full_name="Tom Okafor"),
        "research": UserFactory(programme_role="research_adviser", email="aisha@pine.test", full_name="Aisha Rahman"),
    }


def calendar_of(message: Any) -> Calendar:
    (attachment,) = message.attachments
    return Calendar.from_ical(attachment[1])


def test_sending_gives_a_yearly_numbered_reference_an_email_and_an_audit_event(staff: dict[str, Any]) -> None:
    first, second = make_proposal(), make_proposal(contact_email="other@example.org")
    year = timezone.localdate().year
    assert (first.reference, second.reference) == (f"PINE-{year}-0001", f"PINE-{year}-0002")
    assert first.status == ProposalStatus.NEW
    assert [m.to for m in mail.outbox] == [[ANSWERS["contact_email"]], ["other@example.org"]]
    assert first.reference in mail.outbox[0].subject and first.reference in mail.outbox[0].body
    assert SentEmail.objects.filter(proposal=first, subject__contains=first.reference).count() == 1
    event = AuditEvent.objects.get(object_type="intake.Proposal", object_id=str(first.pk))
    assert event.action == AuditAction.CREATED and event.actor_label == "the proposer"
    assert list(first.priorities.values_list("name", flat=True)) == [
        "Safeguarding children under one from non-accidental injury by male carers"
    ]


def test_the_phone_number_is_encrypted_at_rest(staff: dict[str, Any]) -> None:
    proposal = make_proposal()
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT contact_phone FROM intake_proposal WHERE id = %s", [proposal.pk])
        stored = cursor.fetchone()[0]
    assert ANSWERS["contact_phone"] not in stored
    assert Proposal.objects.get(pk=proposal.pk).contact_phone == ANSWERS["contact_phone"]


def test_sending_the_same_form_twice_makes_one_proposal(staff: dict[str, Any]) -> None:
    kwargs = {"answers": ANSWERS, "priorities": [], "submission_key": "k" * 32, "address": "192.0.2.1"}
    first = services.proposal_submit(**kwargs)
    again = services.proposal_submit(**kwargs)
    assert first.pk == again.pk and Proposal.objects.count() == 1
    assert len(mail.outbox) == 1


def test_one_address_may_send_five_proposals_an_hour(staff: dict[str, Any]) -> None:
    """The sixth proposal in an hour from one address is refused with a time to try again; others are not."""
    for n in range(services.PROPOSAL_LIMIT.count):
        services.proposal_submit(answers=ANSWERS, priorities=[], submission_key=f"key-{n}", address="192.0.2.9")
    with pytest.raises(services.TooManyProposals, match="Try again in"):
        services.proposal_submit(answers=ANSWERS, priorities=[], submission_key="key-x", address="192.0.2.9")
    # Another address is not affected, and the address itself is never stored.
    services.proposal_submit(answers=ANSWERS, priorities=[], submission_key="key-y", address="198.51.100.7")
    assert "192.0.2" not in str(Proposal.objects.values_list().first())
    assert not RateCounter.objects.filter(key_hash__contains="192.0.2").exists()
    # An hour later the first address may send again.
    RateCounter.objects.update(window_start=F("window_start") - dt.timedelta(hours=2))
    services.proposal_submit(answers=ANSWERS, priorities=[], submission_key="key-z", address="192.0.2.9")


def test_save_and_come_back_emails_are_limited_per_recipient_and_per_address(staff: dict[str, Any]) -> None:
    """After N "save and come back later" emails to one recipient, or from one address, more are refused."""
    for n in range(services.DRAFT_LIMIT_PER_EMAIL.count):
        services.draft_save(email="Victim@Example.org", answers={}, address=f"192.0.2.{n}")
    with pytest.raises(services.TooManyDrafts, match="Try again in"):
        services.draft_save(email="victim@example.org", answers={}, address="198.51.100.7")
    for n in range(services.DRAFT_LIMIT_PER_ADDRESS.count):
        services.draft_save(email=f"person{n}@example.org", answers={}, address="203.0.113.5")
    sent = len(mail.outbox)
    with pytest.raises(services.TooManyDrafts):
        services.draft_save(email="someone-else@example.org", answers={}, address="203.0.113.5")
    assert len(mail.outbox) == sent
    assert sent == services.DRAFT_LIMIT_PER_EMAIL.count + services.DRAFT_LIMIT_PER_ADDRESS.count


def test_a_saved_draft_reopens_from_its_link_until_it_expires(staff: dict[str, Any]) -> None:
    draft = services.draft_save(email="jo@example.org", answers={"contact": {"contact_name": "Jo"}})
    token = mail.outbox[-1].body.split("/propose/resume/")[1].split("/")[0]
    assert services.draft_load(token=token).pk == draft.pk
    assert services.draft_load(token="not-the-token") is None
    assert services.draft_load(token="x" * 500) is None
    type(draft).objects.filter(pk=draft.pk).update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    assert services.draft_load(token=token) is None


def test_a_question_is_emailed_with_a_single_use_link_and_its_answer_reopens_triage(staff: dict[str, Any]) -> None:
    proposal = make_proposal()
    request = services.proposal_request_information(
        actor=staff["manager"], proposal=proposal, question="How many fathers?"
    )
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.MORE_INFORMATION
    email = mail.outbox[-1]
    assert "How many fathers?" in email.body and "/proposals/answer/" in email.body
    token = email.body.split("/proposals/answer/")[1].split("/")[0]
    found = services.information_request_for_token(token=token)
    assert found is not None and found.pk == request.pk
    services.information_answer(request=found, answer="About twenty.")
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.NEW
    with pytest.raises(services.IntakeError, match="already been answered"):
        services.information_answer(request=found, answer="Changed my mind")
    found.refresh_from_db()
    assert found.answer == "About twenty."


def test_declining_sends_the_message_as_written_and_closes_the_proposal(staff: dict[str, Any]) -> None:
    proposal = make_proposal()
    message = services.decline_message(proposal, "Outside the priorities.")
    assert ANSWERS["contact_name"] in message and proposal.reference in message
    assert "Outside the priorities." in message and "$" not in message
    services.proposal_decline(actor=staff["manager"], proposal=proposal, reason="Out of scope", message="Sorry, no.")
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.DECLINED and proposal.decided_at is not None
    assert mail.outbox[-1].body == "Sorry, no."
    assert proposal.emails.filter(body="Sorry, no.").exists()
    with pytest.raises(services.IntakeError, match="declined, so it cannot be changed"):
        services.proposal_request_information(actor=staff["manager"], proposal=proposal, question="?")


def test_the_decline_template_is_the_managers_wording_with_safe_placeholders(staff: dict[str, Any]) -> None:
    proposal = make_proposal(contact_name="{{ settings.SECRET_KEY }} $reason")
    services.decline_template_save(
        actor=staff["manager"], body="Hello $contact_name, about $reference: $reason. Cost: $$5. $unknown"
    )
    message = services.decline_message(proposal, "Not now")
    # Placeholders are filled once: a name that looks like a placeholder or template code stays as typed.
    assert message == (
        f"Hello {{{{ settings.SECRET_KEY }}}} $reason, about {proposal.reference}: Not now. Cost: $5. $unknown"
    )
    assert DeclineTemplate.objects.count() == 1
    assert AuditEvent.objects.filter(object_type="intake.DeclineTemplate").exists()
    # Without a reason, the default wording leaves no empty gap.
    DeclineTemplate.objects.all().delete()
    assert "\n\n\n" not in services.decline_message(proposal)


def test_booking_moving_and_cancelling_send_one_calendar_event_with_rising_sequence(staff: dict[str, Any]) -> None:
    proposal = make_proposal()
    advisers = [staff["practice"], staff["research"]]
    consultation = book(proposal, actor=staff["manager"], advisers=advisers)
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.CONSULTATION_BOOKED
    booked = mail.outbox[-3:]
    assert sorted(m.to[0] for m in booked) == sorted([ANSWERS["contact_email"], "tom@pine.test", "aisha@pine.test"])
    event = calendar_of(booked[0]).walk("VEVENT")[0]
    assert calendar_of(booked[0])["METHOD"] == "REQUEST"
    assert str(event["UID"]) == consultation.calendar_uid and int(event["SEQUENCE"]) == 0
    assert {str(a).removeprefix("mailto:") for a in event["ATTENDEE"]} == {
        ANSWERS["contact_email"],
        "tom@pine.test",
        "aisha@pine.test",
    }

    moved = services.consultation_book(
        actor=staff["manager"],
        proposal=proposal,
        starts_at=timezone.now() + dt.timedelta(days=9),
        duration_minutes=90,
        location="Town hall",
        advisers=advisers,
    )
    assert moved.pk == consultation.pk and Consultation.objects.count() == 1
    event = calendar_of(mail.outbox[-1]).walk("VEVENT")[0]
    assert str(event["UID"]) == consultation.calendar_uid and int(event["SEQUENCE"]) == 1
    assert str(event["LOCATION"]) == "Town hall" and mail.outbox[-1].subject.startswith("Moved")
    assert event.decoded("DTEND") - event.decoded("DTSTART") == dt.timedelta(minutes=90)

    services.consultation_cancel(actor=staff["manager"], consultation=moved)
    cancelled = calendar_of(mail.outbox[-1])
    assert cancelled["METHOD"] == "CANCEL" and int(cancelled.walk("VEVENT")[0]["SEQUENCE"]) == 2
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.NEW
    # Every email is kept on the proposal: acknowledgement, 3 bookings, 3 moves, 3 cancellations.
    assert proposal.emails.count() == 10


def test_a_consultation_cannot_be_booked_in_the_past(staff: dict[str, Any]) -> None:
    with pytest.raises(services.IntakeError, match="must be in the future"):
        services.consultation_book(
            actor=staff["manager"],
            proposal=make_proposal(),
            starts_at=timezone.now() - dt.timedelta(hours=1),
            duration_minutes=60,
            location="Here",
            advisers=[],
        )


def test_withdrawing_cancels_the_booked_consultation(staff: dict[str, Any]) -> None:
    proposal = make_proposal()
    consultation = book(proposal, actor=staff["manager"], advisers=[staff["practice"]])
    services.proposal_withdraw(actor=staff["manager"], proposal=proposal, reason="They changed plans")
    consultation.refresh_from_db()
    assert consultation.status == ConsultationStatus.CANCELLED
    assert calendar_of(mail.outbox[-1])["METHOD"] == "CANCEL"
    assert Proposal.objects.get(pk=proposal.pk).status == ProposalStatus.WITHDRAWN


def test_accepting_creates_organisation_project_and_invitation_in_one_go(staff: dict[str, Any]) -> None:
    proposal = make_proposal()
    services.proposal_assign(
        actor=staff["manager"],
        proposal=proposal,
        practice_adviser=staff["practice"],
        research_adviser=staff["research"],
        triage_notes="",
    )
    consultation = book(proposal, actor=staff["manager"], advisers=[staff["practice"]])
    services.consultation_record(
        actor=staff["practice"], consultation=held(consultation), notes="Scope agreed.", outcome="accept", reasons=""
    )
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.ACCEPTED and proposal.decided_at is not None
    organisation = Organisation.objects.get(name=ANSWERS["organisation_name"])
    assert (organisation.kind, organisation.region) == ("local_authority", "west_midlands")
    project = Project.objects.get(organisation=organisation)
    assert proposal.project == project and proposal.organisation == organisation
    assert project.title == "Dads matter groups" and project.current_stage == 2
    assert (project.practice_adviser, project.research_adviser) == (staff["practice"], staff["research"])
    assert list(project.priorities.all()) == list(proposal.priorities.all())
    stage_one = ProjectStage.objects.get(project=project, number=1)
    assert stage_one.status == StageStatus.COMPLETED and "Scope agreed." in stage_one.summary
    assert ProjectStage.objects.get(project=project, number=2).status == StageStatus.OPEN
    invitation = Invitation.objects.get(email=ANSWERS["contact_email"])
    assert invitation.organisation == organisation and invitation.site_role == "site_lead"
    assert any("/join/" in m.body for m in mail.outbox if m.to == [invitation.email])
    consultation.refresh_from_db()
    assert consultation.status == ConsultationStatus.HELD and consultation.recorded_by == staff["practice"]
    with pytest.raises(services.IntakeError, match="already been recorded"):
        services.consultation_record(
            actor=staff["practice"], consultation=held(consultation), notes="Again", outcome="accept", reasons=""
        )
    assert Project.objects.count() == 1


def test_accepting_links_an_organisation_already_in_pine(staff: dict[str, Any]) -> None:
    existing = OrganisationFactory(name="Westbrook Borough Council")
    proposal = make_proposal(organisation_name="  westbrook borough council ")
    consultation = book(proposal, actor=staff["manager"], advisers=[])
    services.consultation_record(
        actor=staff["manager"], consultation=held(consultation), notes="Fine.", outcome="accept", reasons=""
    )
    assert Organisation.objects.count() == 1
    assert Project.objects.get().organisation == existing


def test_a_failure_while_accepting_leaves_nothing_half_made(staff: dict[str, Any]) -> None:
    proposal = make_proposal()
    consultation = book(proposal, actor=staff["manager"], advisers=[])
    with (
        mock.patch("pine.accounts.services.invitation_create", side_effect=RuntimeError("mail server down")),
        pytest.raises(RuntimeError),
    ):
        services.consultation_record(
            actor=staff["manager"], consultation=held(consultation), notes="Fine.", outcome="accept", reasons=""
        )
    assert not Organisation.objects.exists() and not Project.objects.exists()
    assert not Invitation.objects.exists()
    proposal.refresh_from_db()
    consultation.refresh_from_db()
    assert proposal.status == ProposalStatus.CONSULTATION_BOOKED and proposal.project is None
    assert consultation.status == ConsultationStatus.BOOKED and consultation.notes == ""


@pytest.mark.parametrize(
    ("outcome", "status", "subject"),
    [("changes", ProposalStatus.MORE_INFORMATION, "next steps"), ("decline", ProposalStatus.DECLINED, "")],
)
def test_other_outcomes_email_the_reasons(staff: dict[str, Any], outcome: str, status: str, subject: str) -> None:
    proposal = make_proposal()
    consultation = book(proposal, actor=staff["manager"], advisers=[])
    with pytest.raises(services.IntakeError, match="Say why"):
        services.consultation_record(
            actor=staff["manager"], consultation=held(consultation), notes="n", outcome=outcome, reasons=" "
        )
    services.consultation_record(
        actor=staff["manager"], consultation=held(consultation), notes="n", outcome=outcome, reasons="Narrow the scope."
    )
    proposal.refresh_from_db()
    assert proposal.status == status
    assert "Narrow the scope." in mail.outbox[-1].body and subject in mail.outbox[-1].subject
    assert not Project.objects.exists()


def test_priority_names_are_unique_whatever_their_case(staff: dict[str, Any]) -> None:
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match="already exists"):
        services.priority_save(
            actor=staff["manager"], priority=None, name="residential CARE", description="", order=9, active=True
        )
    priority = services.priority_save(
        actor=staff["manager"],
        priority=None,
        name="Kinship care",
        description="Family and friends",
        order=7,
        active=False,
    )
    assert Priority.objects.get(pk=priority.pk).active is False
    assert AuditEvent.objects.filter(object_type="programme.Priority", object_id=str(priority.pk)).exists()


def test_saved_answers_are_encrypted_at_rest_and_expired_drafts_are_deleted(staff: dict[str, Any]) -> None:
    from django.db import connection

    from pine.intake.models import ProposalDraft

    old = services.draft_save(email="a@example.org", answers={"contact": {"contact_phone": "07700 900123"}})
    with connection.cursor() as cursor:
        cursor.execute("SELECT sealed_answers FROM intake_proposaldraft WHERE id = %s", [old.pk])
        assert "07700" not in cursor.fetchone()[0]
    assert ProposalDraft.objects.get(pk=old.pk).answers == {"contact": {"contact_phone": "07700 900123"}}
    ProposalDraft.objects.filter(pk=old.pk).update(expires_at=timezone.now() - dt.timedelta(days=1))
    services.draft_save(email="b@example.org", answers={})
    assert list(ProposalDraft.objects.values_list("email", flat=True)) == ["b@example.org"]
