"""Email tasks for proposals: each takes ids only and builds its message when it runs (see core/notify.py).

Every email about a proposal is first kept on it as a `SentEmail` (its copy, deleted with the proposal); the task
sends that copy. Single-use links (a question to answer, a saved draft) are made when the task runs, so the link
is in neither the task table nor the copy.
"""

from __future__ import annotations

import secrets

from django.urls import reverse
from django.utils import timezone
from django_tasks import task

from pine.core import notify
from pine.core.calendar import Meeting, attachment, meeting_calendar
from pine.intake.models import Consultation, InformationRequest, ProposalDraft, SentEmail

# What the kept copy of an email says in place of a single-use link.
LINK_NOT_KEPT = "(a single-use link, sent in the email but not kept by PINE)"


def _hash(token: str) -> str:
    from pine.intake.services import _hash as hash_token

    return hash_token(token)


@task()
def send_proposal_email(*, sent_email_id: int) -> None:
    """Send an email kept on a proposal; nothing if the proposal (and so its emails) has been deleted."""
    sent = SentEmail.objects.filter(pk=sent_email_id).first()
    if sent is None:
        notify.skipped("proposal", sent_email_id=sent_email_id)
        return
    notify.deliver(to=sent.to, subject=sent.subject, body=sent.body)


@task()
def send_information_request(*, sent_email_id: int, request_id: int) -> None:
    """Send the programme team's question with a fresh single-use link to answer it, unless already answered."""
    sent = SentEmail.objects.filter(pk=sent_email_id).first()
    request = InformationRequest.objects.select_related("proposal").filter(pk=request_id).first()
    if sent is None or request is None or request.answered_at is not None:
        notify.skipped("information request", request_id=request_id)
        return
    token = secrets.token_urlsafe(32)
    InformationRequest.objects.filter(pk=request.pk).update(token_hash=_hash(token))
    body = notify.render_email(
        "email/proposal_question.txt",
        {"proposal": request.proposal, "request": request, "path": reverse("intake:respond", kwargs={"token": token})},
    )
    notify.deliver(to=sent.to, subject=sent.subject, body=body)


def consultation_calendar(consultation: Consultation, *, cancelled: bool = False) -> str:
    """The calendar invitation for a consultation, with the proposer and the advisers as attendees."""
    proposal = consultation.proposal
    people = [(proposal.contact_name, proposal.contact_email)]
    people += [(a.full_name, a.email) for a in consultation.advisers.all()]
    return meeting_calendar(
        Meeting(
            uid=consultation.calendar_uid,
            sequence=consultation.calendar_sequence,
            starts_at=consultation.starts_at,
            ends_at=consultation.ends_at,
            summary=f"PINE initial consultation: {proposal.intervention_name} ({proposal.organisation_name})",
            description=f"Initial consultation about proposal {proposal.reference} with the PINE programme team.",
            location=consultation.location,
            attendees=people,
        ),
        cancelled=cancelled,
    )


@task()
def send_consultation_email(*, sent_email_id: int, consultation_id: int, cancelled: bool = False) -> None:
    """Send a consultation's email with its calendar invitation, made now from the consultation as it stands."""
    sent = SentEmail.objects.filter(pk=sent_email_id).first()
    consultation = Consultation.objects.select_related("proposal").filter(pk=consultation_id).first()
    if sent is None or consultation is None:
        notify.skipped("consultation", consultation_id=consultation_id)
        return
    invitation = consultation_calendar(consultation, cancelled=cancelled)
    notify.deliver(
        to=sent.to, subject=sent.subject, body=sent.body, attachments=[attachment(invitation, cancelled=cancelled)]
    )


@task()
def send_draft_link(*, draft_id: int) -> None:
    """Email the link to a saved draft, made now; nothing if the draft has expired or been deleted."""
    draft = ProposalDraft.objects.filter(pk=draft_id, expires_at__gt=timezone.now()).first()
    if draft is None:
        notify.skipped("saved proposal", draft_id=draft_id)
        return
    token = secrets.token_urlsafe(32)
    ProposalDraft.objects.filter(pk=draft.pk).update(token_hash=_hash(token))
    path = reverse("intake:resume", kwargs={"token": token})
    body = notify.render_email("email/proposal_draft.txt", {"path": path, "draft": draft})
    notify.deliver(to=draft.email, subject="Your saved PINE proposal", body=body)
