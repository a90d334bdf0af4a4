"""Proposals keep personal data out of the append-only audit log, and declined or withdrawn ones are deleted
after the retention period."""

from __future__ import annotations

import datetime as dt
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from pine.accounts import services as accounts
from pine.core.models import AuditAction, AuditEvent
from pine.intake import services
from pine.intake.models import InformationRequest, Proposal, ProposalDraft, ProposalStatus, SentEmail
from pine.intake.retention import proposals_prune
from pine.programme.seed import ensure_priorities
from tests.conftest import sign_in
from tests.factories import OrganisationFactory, UserFactory
from tests.intake.factories import ANSWERS, book, make_proposal

pytestmark = pytest.mark.django_db


@pytest.fixture
def manager() -> Any:
    ensure_priorities()
    return UserFactory(programme_role="programme_manager", email="manager@pine.test")


def _logged() -> str:
    return " ".join(f"{e.actor_label} {e.object_repr} {e.changes}" for e in AuditEvent.objects.all())


def test_the_audit_log_of_a_proposal_holds_no_personal_data(manager: Any) -> None:
    """Sending, triage notes, a question and its answer, a consultation and a decline log references only."""
    adviser = UserFactory(programme_role="practice_adviser", email="tom@pine.test", full_name="Tom Okafor")
    proposal = make_proposal()
    services.proposal_assign(
        actor=manager,
        proposal=proposal,
        practice_adviser=adviser,
        research_adviser=None,
        triage_notes="Jo Carter sounded keen",
    )
    request = services.proposal_request_information(actor=manager, proposal=proposal, question="How many?")
    services.information_answer(request=request, answer="Jo Carter says twelve")
    book(proposal, actor=manager, advisers=[adviser])
    services.proposal_decline(actor=manager, proposal=proposal, reason="Jo Carter's team is too small", message="No")
    logged = _logged()
    assert proposal.reference in logged
    for personal in (ANSWERS["contact_email"], "Jo Carter", ANSWERS["contact_phone"], "keen", "too small"):
        assert personal not in logged, personal
    assert AuditEvent.objects.filter(actor_label="the proposer").count() == 2


def test_inviting_someone_logs_the_role_but_not_their_address_or_name(manager: Any) -> None:
    """An invitation's audit events name it by number and role, without the invitee's email or name."""
    organisation = OrganisationFactory(name="Hartwell Borough")
    invitation = accounts.invitation_create(
        actor=manager,
        email="nadia@hartwell.test",
        full_name="Nadia Newperson",
        organisation=organisation,
        site_role="site_lead",
    )
    accounts.invitation_accept(invitation=invitation, password="a good long passphrase", full_name="Nadia N")
    logged = " ".join(f"{e.object_repr} {e.changes}" for e in AuditEvent.objects.exclude(action=AuditAction.SIGN_IN))
    assert f"Invitation {invitation.pk}" in logged
    assert "nadia" not in logged.lower() and "Newperson" not in logged


def _decided(status: str, days_ago: int, proposal: Proposal | None = None) -> Proposal:
    proposal = proposal or make_proposal(contact_email=f"{status}{days_ago}@example.org")
    Proposal.objects.filter(pk=proposal.pk).update(
        status=status, decided_at=timezone.now() - dt.timedelta(days=days_ago)
    )
    return proposal


def test_declined_and_withdrawn_proposals_are_deleted_after_the_retention_period(manager: Any, settings: Any) -> None:
    """Past PINE_PROPOSAL_RETENTION_DAYS, declined and withdrawn proposals go with their emails and questions;
    open, accepted and recent ones stay; the audit log records the count only."""
    settings.PINE_PROPOSAL_RETENTION_DAYS = 30
    old_declined = make_proposal()
    services.proposal_request_information(actor=manager, proposal=old_declined, question="Still there?")
    _decided(ProposalStatus.DECLINED, 31, old_declined)
    old_withdrawn = _decided(ProposalStatus.WITHDRAWN, 400)
    kept = [
        _decided(ProposalStatus.DECLINED, 5),
        _decided(ProposalStatus.ACCEPTED, 400),
        make_proposal(contact_email="open@example.org"),
    ]
    expired = services.draft_save(email="drafter@example.org", answers={})
    ProposalDraft.objects.filter(pk=expired.pk).update(expires_at=timezone.now() - dt.timedelta(days=1))
    out = StringIO()
    call_command("prune_proposals", stdout=out)
    assert "Deleted 2 declined or withdrawn proposals" in out.getvalue()
    assert set(Proposal.objects.values_list("pk", flat=True)) == {p.pk for p in kept}
    assert not SentEmail.objects.filter(proposal_id__in=[old_declined.pk, old_withdrawn.pk]).exists()
    assert not InformationRequest.objects.filter(proposal_id=old_declined.pk).exists()
    assert not ProposalDraft.objects.filter(pk=expired.pk).exists()
    event = AuditEvent.objects.get(action=AuditAction.DELETED, actor_label="PINE (scheduled deletion)")
    assert event.changes["declined or withdrawn proposals deleted"] == [0, 2]
    assert "example.org" not in str(event.changes)
    assert proposals_prune() == 0  # safe to repeat


def test_a_withdrawn_proposal_shows_its_reason_and_when_it_will_be_deleted(manager: Any, client: Any) -> None:
    """The reason (no longer in the audit log) and the deletion date are on the proposal's page."""
    proposal = make_proposal()
    services.proposal_withdraw(actor=manager, proposal=proposal, reason="They found other funding")
    proposal.refresh_from_db()
    assert proposal.deleted_on == timezone.localdate(proposal.decided_at + dt.timedelta(days=365))
    TOTPDevice.objects.create(user=manager, name="app", confirmed=True)
    page = sign_in(client, manager).get(proposal.get_absolute_url()).content.decode()
    assert "Reason for withdrawing: They found other funding" in page
    assert f"will be deleted on {proposal.deleted_on:%-d %B %Y}" in page
