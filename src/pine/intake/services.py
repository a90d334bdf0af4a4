"""Writes for proposals: sending, drafts, triage, information requests, consultations and acceptance."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import secrets
import string
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from pine.accounts import services as accounts
from pine.accounts.models import Organisation, User
from pine.core import audit, notify, ratelimit
from pine.core.models import AuditAction
from pine.core.notify import render_email
from pine.intake import emails
from pine.intake.models import (
    OPEN_STATUSES,
    Consultation,
    ConsultationOutcome,
    ConsultationStatus,
    DeclineTemplate,
    InformationRequest,
    Proposal,
    ProposalDraft,
    ProposalStatus,
    SentEmail,
)
from pine.journey import services as journey
from pine.journey.models import ProjectStage
from pine.programme.models import Priority

DRAFT_LIFETIME = dt.timedelta(days=30)
DEFAULT_DECLINE = Path(__file__).resolve().parent / "decline_email.txt"
# Counted per client address (and, for emailed links, per recipient) in the shared limiter.
PROPOSAL_LIMIT = ratelimit.Limit("intake-proposal", count=5, window=dt.timedelta(hours=1))
DRAFT_LIMIT_PER_ADDRESS = ratelimit.Limit("intake-draft-address", count=10, window=dt.timedelta(hours=1))
DRAFT_LIMIT_PER_EMAIL = ratelimit.Limit("intake-draft-email", count=3, window=dt.timedelta(hours=1))
ANSWER_FIELDS = [
    "organisation_name",
    "organisation_kind",
    "organisation_region",
    "contact_name",
    "contact_role",
    "contact_email",
    "contact_phone",
    "intervention_name",
    "intervention_what",
    "intervention_who",
    "intervention_why",
    "intervention_stage",
    "involves_under_ones",
    "involves_male_carers",
    "want_to_find_out",
    "data_already_collected",
    "timescale",
    "heard_about",
]


class IntakeError(Exception):
    """A step the rules do not allow now; the message says why, for the person."""


class TooManyProposals(IntakeError):
    pass


class TooManyDrafts(IntakeError):
    pass


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


PROPOSER = "the proposer"  # how the audit log names someone acting through a proposal's links (not their address)


def _email(
    proposal: Proposal,
    *,
    to: str,
    subject: str,
    template: str = "",
    body: str = "",
    context: dict[str, Any] | None = None,
) -> SentEmail:
    """Keep a copy of an email about a proposal on it, and queue it (the task is given the copy's id only)."""
    text = body or render_email(template, {"proposal": proposal, **(context or {})})
    sent = SentEmail.objects.create(proposal=proposal, to=to, subject=subject, body=text)
    notify.queue(emails.send_proposal_email, sent_email_id=sent.pk)
    return sent


def _next_reference(year: int) -> str:
    prefix = f"PINE-{year}-"
    last = (
        Proposal.objects.filter(reference__startswith=prefix)
        .order_by("-reference")
        .values_list("reference", flat=True)
        .first()
    )
    number = int(last.removeprefix(prefix)) + 1 if last else 1
    return f"{prefix}{number:04d}"


def proposal_submit(
    *, answers: dict[str, Any], priorities: Iterable[Any], submission_key: str, address: str | None
) -> Proposal:
    """Send a proposal. The same submission key (double click, refresh, back-and-resend) gives one proposal."""
    existing = Proposal.objects.filter(submission_key=submission_key).first()
    if existing is not None:
        return existing
    verdict = ratelimit.hit(PROPOSAL_LIMIT, key=address) if address else None  # None: not from a web request
    if verdict is not None and not verdict.allowed:
        raise TooManyProposals(
            f"You have sent several proposals in the last hour. Try again {verdict.wait}, or email the "
            f"programme team at {settings.CONTACT_EMAIL}."
        )
    for _attempt in range(5):
        try:
            with transaction.atomic():
                proposal = Proposal(
                    reference=_next_reference(timezone.localdate().year),
                    submission_key=submission_key,
                    **{name: answers.get(name, "") for name in ANSWER_FIELDS},
                )
                proposal.full_clean()
                proposal.save()
                proposal.priorities.set(priorities)
                audit.record(
                    action=AuditAction.CREATED,
                    obj=proposal,
                    actor=None,
                    actor_label=PROPOSER,
                    changes={"reference": ["", proposal.reference], "status": ["", "new"]},
                )
                _email(
                    proposal,
                    to=proposal.contact_email,
                    subject=f"We have your proposal {proposal.reference}",
                    template="email/proposal_received.txt",
                )
                return proposal
        except IntegrityError:
            already = Proposal.objects.filter(submission_key=submission_key).first()
            if already is not None:
                return already  # the same form, sent twice at once
            continue  # two proposals took the same reference number at once: take the next
    raise IntakeError("Your proposal could not be saved. Please try again.")


def draft_save(
    *, email: str, answers: dict[str, Any], submission_key: str = "", address: str | None = None
) -> ProposalDraft:
    """Keep the answers so far and email a link to them (made by the email task). Expired drafts are deleted here,
    as new ones come in, and by `pine prune-proposals`.

    `submission_key` is the form's own: sending the form, or any draft of it, then makes one proposal. Anyone may
    ask, for any email address, so both the asker's address and the recipient are limited (counted before the
    transaction, so a refusal is counted too)."""
    limits = [(DRAFT_LIMIT_PER_EMAIL, email)] + ([(DRAFT_LIMIT_PER_ADDRESS, address)] if address else [])
    for limit, key in limits:
        verdict = ratelimit.hit(limit, key=key)
        if not verdict.allowed:
            raise TooManyDrafts(
                f"You have asked for several links in the last hour. Try again {verdict.wait}, or continue "
                "without saving."
            )
    with transaction.atomic():
        ProposalDraft.objects.filter(expires_at__lte=timezone.now()).delete()
        token = secrets.token_urlsafe(32)  # a placeholder nobody knows, until the email task makes the real link
        draft = ProposalDraft.objects.create(
            token_hash=_hash(token),
            email=email,
            sealed_answers=json.dumps(answers),
            submission_key=submission_key[:64],
            expires_at=timezone.now() + DRAFT_LIFETIME,
        )
        notify.queue(emails.send_draft_link, draft_id=draft.pk)
    return draft


def draft_load(*, token: str) -> ProposalDraft | None:
    if not token or len(token) > 100:
        return None
    return ProposalDraft.objects.filter(token_hash=_hash(token), expires_at__gt=timezone.now()).first()


def draft_proposal(*, draft: ProposalDraft) -> Proposal | None:
    """The proposal this draft was sent as, if it has been sent."""
    return Proposal.objects.filter(submission_key=draft.key).first()


def drafts_sent(*, submission_key: str) -> int:
    """The form with this key was sent: empty its drafts' answers (the proposal holds them now). Their links stay,
    to say that the proposal was sent, until they expire."""
    return ProposalDraft.objects.filter(submission_key=submission_key).update(sealed_answers="")


# Triage


def _lock(proposal: Proposal) -> Proposal:
    return Proposal.objects.select_for_update().get(pk=proposal.pk)


def _require_open(proposal: Proposal) -> None:
    if proposal.status not in OPEN_STATUSES:
        raise IntakeError(f"This proposal is {proposal.get_status_display().lower()}, so it cannot be changed.")


def _set_status(proposal: Proposal, status: str, *, actor: User | None, reason: str = "") -> None:
    before = proposal.status
    proposal.status = status
    fields = ["status"]
    if status in {ProposalStatus.ACCEPTED, ProposalStatus.DECLINED, ProposalStatus.WITHDRAWN}:
        proposal.decided_at = timezone.now()
        fields.append("decided_at")
    proposal.save(update_fields=fields)
    changes: dict[str, Any] = {"status": [before, status]}
    if reason:
        changes["reason"] = ["", audit.REDACTED]  # the words are kept on the proposal, deleted with it
    audit.record(action=AuditAction.CHANGED, obj=proposal, actor=actor, changes=changes)


@transaction.atomic
def proposal_assign(
    *, actor: User, proposal: Proposal, practice_adviser: User | None, research_adviser: User | None, triage_notes: str
) -> Proposal:
    proposal = _lock(proposal)
    before = audit.snapshot(proposal, ["practice_adviser", "research_adviser", "triage_notes"])
    proposal.practice_adviser = practice_adviser
    proposal.research_adviser = research_adviser
    proposal.triage_notes = triage_notes.strip()
    proposal.save(update_fields=["practice_adviser", "research_adviser", "triage_notes"])
    changes = audit.diff(before, audit.snapshot(proposal, ["practice_adviser", "research_adviser", "triage_notes"]))
    if changes:
        audit.record(action=AuditAction.CHANGED, obj=proposal, actor=actor, changes=changes)
    return proposal


@transaction.atomic
def proposal_request_information(*, actor: User, proposal: Proposal, question: str) -> InformationRequest:
    proposal = _lock(proposal)
    _require_open(proposal)
    token = secrets.token_urlsafe(32)  # a placeholder nobody knows, until the email task makes the real link
    request = InformationRequest.objects.create(
        proposal=proposal, question=question.strip(), token_hash=_hash(token), asked_by=actor
    )
    _set_status(proposal, ProposalStatus.MORE_INFORMATION, actor=actor)
    # The kept copy has no link: the email task makes a fresh single-use one when it sends.
    sent = SentEmail.objects.create(
        proposal=proposal,
        to=proposal.contact_email,
        subject=f"A question about your proposal {proposal.reference}",
        body=render_email(
            "email/proposal_question.txt",
            {"proposal": proposal, "request": request, "service_url": "", "path": emails.LINK_NOT_KEPT},
        ),
    )
    notify.queue(emails.send_information_request, sent_email_id=sent.pk, request_id=request.pk)
    return request


def information_request_for_token(*, token: str) -> InformationRequest | None:
    if not token or len(token) > 100:
        return None
    return InformationRequest.objects.select_related("proposal").filter(token_hash=_hash(token)).first()


@transaction.atomic
def information_answer(*, request: InformationRequest, answer: str) -> InformationRequest:
    request = InformationRequest.objects.select_for_update().select_related("proposal").get(pk=request.pk)
    if request.answered_at is not None:
        raise IntakeError("This question has already been answered. Thank you.")
    request.answer = answer.strip()
    request.answered_at = timezone.now()
    request.save(update_fields=["answer", "answered_at"])
    proposal = _lock(request.proposal)
    audit.record(
        action=AuditAction.CHANGED,
        obj=proposal,
        actor=None,
        actor_label=PROPOSER,
        changes={"information": ["", "answered"]},
    )
    if proposal.status == ProposalStatus.MORE_INFORMATION:
        _set_status(proposal, ProposalStatus.NEW, actor=None)
    return request


def decline_template() -> str:
    """The programme's decline wording: the manager's version if saved, otherwise PINE's default."""
    saved = DeclineTemplate.objects.order_by("-updated_at").values_list("body", flat=True).first()
    return saved if saved is not None else DEFAULT_DECLINE.read_text(encoding="utf-8")


def decline_message(proposal: Proposal, reason: str = "") -> str:
    """The starting text of a decline email: the template with this proposal's details filled in."""
    text = string.Template(decline_template()).safe_substitute(
        contact_name=proposal.contact_name,
        reference=proposal.reference,
        intervention_name=proposal.intervention_name,
        organisation_name=proposal.organisation_name,
        reason=reason.strip(),
    )
    return re.sub(r"\n{3,}", "\n\n", text).strip()  # an empty reason leaves no gap


@transaction.atomic
def decline_template_save(*, actor: User, body: str) -> DeclineTemplate:
    before = decline_template()
    template = DeclineTemplate.objects.order_by("-updated_at").first() or DeclineTemplate()
    template.body = body.strip() + "\n"
    template.updated_by = actor
    template.full_clean()
    template.save()
    audit.record(action=AuditAction.CHANGED, obj=template, actor=actor, changes={"body": [before, template.body]})
    return template


@transaction.atomic
def proposal_decline(*, actor: User | None, proposal: Proposal, reason: str, message: str) -> Proposal:
    proposal = _lock(proposal)
    _require_open(proposal)
    proposal.decline_reason = reason.strip()
    proposal.save(update_fields=["decline_reason"])
    _set_status(proposal, ProposalStatus.DECLINED, actor=actor, reason=proposal.decline_reason)
    _email(proposal, to=proposal.contact_email, subject=f"Your proposal {proposal.reference}", body=message)
    return proposal


@transaction.atomic
def proposal_withdraw(*, actor: User, proposal: Proposal, reason: str) -> Proposal:
    proposal = _lock(proposal)
    _require_open(proposal)
    proposal.withdraw_reason = reason.strip()
    proposal.save(update_fields=["withdraw_reason"])
    _set_status(proposal, ProposalStatus.WITHDRAWN, actor=actor, reason=proposal.withdraw_reason)
    for consultation in proposal.consultations.filter(status=ConsultationStatus.BOOKED):
        _cancel(actor=actor, consultation=consultation)
    return proposal


# The initial consultation


def _send_invitations(consultation: Consultation, *, subject: str, cancelled: bool = False) -> None:
    """Keep a copy of each person's email on the proposal and queue it; the task adds the calendar invitation."""
    proposal = consultation.proposal
    # Advisers also get the proposal's page: being invited is what lets them see it.
    recipients = [(proposal.contact_name, proposal.contact_email, "")]
    recipients += [
        (a.full_name, a.email, proposal.get_absolute_url()) for a in consultation.advisers.filter(is_active=True)
    ]
    for name, email, path in recipients:
        body = render_email(
            "email/consultation.txt",
            {"proposal": proposal, "consultation": consultation, "name": name, "cancelled": cancelled, "path": path},
        )
        sent = SentEmail.objects.create(proposal=proposal, to=email, subject=subject, body=body)
        notify.queue(
            emails.send_consultation_email, sent_email_id=sent.pk, consultation_id=consultation.pk, cancelled=cancelled
        )


@transaction.atomic
def consultation_book(
    *,
    actor: User,
    proposal: Proposal,
    starts_at: dt.datetime,
    duration_minutes: int,
    location: str,
    advisers: Iterable[User],
) -> Consultation:
    """Book the initial consultation, or move the one already booked (an update with the same UID)."""
    proposal = _lock(proposal)
    _require_open(proposal)
    if starts_at <= timezone.now():
        raise IntakeError("The consultation must be in the future.")
    consultation = proposal.consultations.filter(status=ConsultationStatus.BOOKED).first()
    moving = consultation is not None
    if consultation is None:
        consultation = Consultation(proposal=proposal)
    else:
        consultation.calendar_sequence += 1
    consultation.starts_at = starts_at
    consultation.duration_minutes = duration_minutes
    consultation.location = location.strip()
    consultation.save()
    consultation.advisers.set(advisers)
    audit.record(
        action=AuditAction.CHANGED if moving else AuditAction.CREATED,
        obj=proposal,
        actor=actor,
        changes={"consultation": ["", f"{timezone.localtime(starts_at):%d %B %Y %H:%M}, {location}"]},
    )
    if proposal.status != ProposalStatus.CONSULTATION_BOOKED:
        _set_status(proposal, ProposalStatus.CONSULTATION_BOOKED, actor=actor)
    verb = "Moved" if moving else "Booked"
    _send_invitations(consultation, subject=f"{verb}: PINE initial consultation ({proposal.reference})")
    return consultation


def _cancel(*, actor: User, consultation: Consultation) -> None:
    consultation.status = ConsultationStatus.CANCELLED
    consultation.calendar_sequence += 1
    consultation.save(update_fields=["status", "calendar_sequence"])
    _send_invitations(
        consultation,
        subject=f"Cancelled: PINE initial consultation ({consultation.proposal.reference})",
        cancelled=True,
    )


@transaction.atomic
def consultation_cancel(*, actor: User, consultation: Consultation) -> Consultation:
    consultation = Consultation.objects.select_for_update().select_related("proposal").get(pk=consultation.pk)
    if consultation.status != ConsultationStatus.BOOKED:
        raise IntakeError("Only a booked consultation can be cancelled.")
    _cancel(actor=actor, consultation=consultation)
    proposal = _lock(consultation.proposal)
    audit.record(action=AuditAction.CHANGED, obj=proposal, actor=actor, changes={"consultation": ["", "cancelled"]})
    if proposal.status == ProposalStatus.CONSULTATION_BOOKED:
        _set_status(proposal, ProposalStatus.NEW, actor=actor)
    return consultation


@transaction.atomic
def consultation_record(
    *, actor: User, consultation: Consultation, notes: str, outcome: str, reasons: str
) -> Consultation:
    """Record the consultation. Accepting creates (or links) the organisation, creates the project with stage 1
    completed, invites the contact as site lead and accepts the proposal, all in this one transaction."""
    consultation = Consultation.objects.select_for_update().select_related("proposal").get(pk=consultation.pk)
    if consultation.status != ConsultationStatus.BOOKED:
        raise IntakeError("The outcome of this consultation has already been recorded, or it was cancelled.")
    if consultation.starts_at > timezone.now():
        # As with checkpoint decisions: an outcome follows the meeting it records.
        starts = timezone.localtime(consultation.starts_at)
        raise IntakeError(
            "The outcome can only be recorded once the consultation has started. It starts on "
            f"{starts:%A} {starts.day} {starts:%B %Y} at {starts:%H:%M}."
        )
    if outcome not in ConsultationOutcome.values:
        raise IntakeError("Choose an outcome.")
    if outcome != ConsultationOutcome.ACCEPT and not reasons.strip():
        raise IntakeError("Say why, for the email to the proposer.")
    proposal = _lock(consultation.proposal)
    _require_open(proposal)
    consultation.notes = notes.strip()
    consultation.outcome = outcome
    consultation.outcome_reasons = reasons.strip()
    consultation.status = ConsultationStatus.HELD
    consultation.recorded_by = actor
    consultation.recorded_at = timezone.now()
    consultation.save()
    audit.record(
        action=AuditAction.CHANGED,
        obj=proposal,
        actor=actor,
        changes={"consultation": ["", "held"], "outcome": ["", outcome]},
    )
    if outcome == ConsultationOutcome.ACCEPT:
        try:
            _accept(actor=actor, proposal=proposal, notes=consultation.notes, consultation=consultation)
        except ValidationError as problem:
            # Raised inside the transaction: nothing of the acceptance is kept.
            raise IntakeError(" ".join(problem.messages)) from problem
    elif outcome == ConsultationOutcome.DECLINE:
        proposal_decline(
            actor=actor, proposal=proposal, reason=reasons, message=decline_message(proposal, reasons.strip())
        )
    else:
        _set_status(proposal, ProposalStatus.MORE_INFORMATION, actor=actor, reason=reasons.strip())
        _email(
            proposal,
            to=proposal.contact_email,
            subject=f"Your proposal {proposal.reference}: next steps",
            template="email/proposal_changes.txt",
            context={"reasons": reasons.strip()},
        )
    return consultation


def _advisers_from_invitees(*, actor: User, proposal: Proposal, consultation: Consultation) -> None:
    """Give each adviser slot nobody was assigned to the adviser of that kind invited to the consultation (the one
    recording it first), so the advisers who held the consultation go on to advise the project."""
    roles = ["practice_adviser", "research_adviser"]  # each slot is named after the role that fills it
    before = audit.snapshot(proposal, roles)
    invitees = sorted(consultation.advisers.filter(is_active=True), key=lambda a: (a.pk != actor.pk, a.full_name))
    empty = [role for role in roles if getattr(proposal, f"{role}_id") is None]
    for role in empty:
        chosen = next((a for a in invitees if a.programme_role == role), None)
        if chosen is not None:
            setattr(proposal, role, chosen)
    changes = audit.diff(before, audit.snapshot(proposal, roles))
    if changes:
        proposal.save(update_fields=list(changes))
        audit.record(action=AuditAction.CHANGED, obj=proposal, actor=actor, changes=changes)


def _accept(*, actor: User, proposal: Proposal, notes: str, consultation: Consultation) -> None:
    _advisers_from_invitees(actor=actor, proposal=proposal, consultation=consultation)
    organisation = (
        proposal.organisation or Organisation.objects.filter(name__iexact=proposal.organisation_name.strip()).first()
    )
    if organisation is None:
        organisation = accounts.organisation_create(
            actor=actor,
            name=proposal.organisation_name,
            kind=proposal.organisation_kind,
            region=proposal.organisation_region,
        )
    project = journey.project_create(
        actor=actor,
        organisation=organisation,
        title=proposal.intervention_name,
        intervention_summary=proposal.intervention_what,
        priorities=proposal.priorities.all(),
        practice_adviser=proposal.practice_adviser,
        research_adviser=proposal.research_adviser,
        initial_consultation_done=True,
    )
    # Stage 1's record is what the consultation agreed, so the workspace starts from it.
    ProjectStage.objects.filter(project=project, number=1).update(
        summary=f"Agreed at the initial consultation ({proposal.reference}): {notes}"
    )
    proposal.organisation = organisation
    proposal.project = project
    proposal.save(update_fields=["organisation", "project"])
    already = User.objects.filter(email__iexact=proposal.contact_email, memberships__organisation=organisation)
    if not already.exists():
        accounts.invitation_create(
            actor=actor,
            email=proposal.contact_email,
            full_name=proposal.contact_name,
            organisation=organisation,
            site_role="site_lead",
        )
    _set_status(proposal, ProposalStatus.ACCEPTED, actor=actor)
    _email(
        proposal,
        to=proposal.contact_email,
        subject=f"Welcome to PINE: {proposal.intervention_name}",
        template="email/proposal_accepted.txt",
        context={"project": project},
    )


@transaction.atomic
def priority_save(
    *, actor: User, priority: Priority | None, name: str, description: str, order: int, active: bool
) -> Priority:
    same_name = Priority.objects.filter(name__iexact=name.strip())
    if priority is not None:
        same_name = same_name.exclude(pk=priority.pk)
    if same_name.exists():
        raise ValidationError("A priority with this name already exists")
    created = priority is None
    priority = priority or Priority()
    before = {} if created else audit.snapshot(priority)
    priority.name, priority.description, priority.order, priority.active = (
        name.strip(),
        description.strip(),
        order,
        active,
    )
    priority.full_clean()
    priority.save()
    audit.record(
        action=AuditAction.CREATED if created else AuditAction.CHANGED,
        obj=priority,
        actor=actor,
        changes=audit.diff(before, audit.snapshot(priority)),
    )
    return priority
