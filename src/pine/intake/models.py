"""Proposals from sites, their triage, and the initial consultation."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from typing import Any

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone

from pine.accounts.models import OrganisationKind, Region
from pine.core.fields import EncryptedTextField


class ProposalStatus(models.TextChoices):
    NEW = "new", "New"
    MORE_INFORMATION = "more_information", "More information requested"
    CONSULTATION_BOOKED = "consultation_booked", "Consultation booked"
    ACCEPTED = "accepted", "Accepted"
    DECLINED = "declined", "Declined"
    WITHDRAWN = "withdrawn", "Withdrawn"


OPEN_STATUSES = [ProposalStatus.NEW, ProposalStatus.MORE_INFORMATION, ProposalStatus.CONSULTATION_BOOKED]


class InterventionStage(models.TextChoices):
    IDEA = "idea", "An idea we have not tried yet"
    PILOT = "pilot", "A pilot: we have started trying it"
    ESTABLISHED = "established", "Established: we have done it for a while"


class Proposal(models.Model):
    """A site's summary of its project, sent through the public form."""

    reference = models.CharField(max_length=20, unique=True)
    status = models.CharField(max_length=30, choices=ProposalStatus.choices, default=ProposalStatus.NEW)
    submission_key = models.CharField(max_length=64, unique=True)
    submitted_at = models.DateTimeField(default=timezone.now)
    decided_at = models.DateTimeField(null=True, blank=True)

    organisation_name = models.CharField(max_length=200)
    organisation_kind = models.CharField(max_length=30, choices=OrganisationKind.choices)
    organisation_region = models.CharField(max_length=30, choices=Region.choices)
    contact_name = models.CharField(max_length=150)
    contact_role = models.CharField(max_length=150)
    contact_email = models.EmailField(max_length=254)
    contact_phone = EncryptedTextField("contact phone number")
    intervention_name = models.CharField(max_length=200)
    intervention_what = models.TextField()
    intervention_who = models.TextField()
    intervention_why = models.TextField()
    intervention_stage = models.CharField(max_length=20, choices=InterventionStage.choices)
    priorities = models.ManyToManyField("programme.Priority", blank=True, related_name="proposals")
    involves_under_ones = models.BooleanField(default=False)
    involves_male_carers = models.BooleanField(default=False)
    want_to_find_out = models.TextField()
    data_already_collected = models.TextField(blank=True)
    timescale = models.CharField(max_length=300)
    heard_about = models.CharField(max_length=300, blank=True)

    organisation = models.ForeignKey(
        "accounts.Organisation", null=True, blank=True, on_delete=models.SET_NULL, related_name="proposals"
    )
    project = models.OneToOneField(
        "journey.Project", null=True, blank=True, on_delete=models.SET_NULL, related_name="proposal"
    )
    practice_adviser = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    research_adviser = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    triage_notes = models.TextField(blank=True)
    decline_reason = models.TextField(blank=True)
    withdraw_reason = models.TextField(blank=True)

    # The audit log records that these changed, never their values: it is append-only, so it must hold no personal
    # data, while the proposal itself is deleted after its retention period (see core/audit.py, `proposals_prune`).
    AUDIT_PERSONAL_FIELDS = (
        "contact_name",
        "contact_role",
        "contact_email",
        "contact_phone",
        "triage_notes",
        "decline_reason",
        "withdraw_reason",
    )

    class Meta:
        ordering = ["-submitted_at"]
        indexes = [models.Index(fields=["status", "submitted_at"])]

    def __str__(self) -> str:
        return f"{self.reference}: {self.intervention_name}"

    def get_absolute_url(self) -> str:
        return reverse("intake:proposal", kwargs={"pk": self.pk})

    @property
    def age_days(self) -> int:
        return (timezone.now() - self.submitted_at).days

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def deleted_on(self) -> dt.date | None:
        """When `pine prune-proposals` deletes a declined or withdrawn proposal (None for any other)."""
        if self.status not in {ProposalStatus.DECLINED, ProposalStatus.WITHDRAWN}:
            return None
        decided = self.decided_at or self.submitted_at
        return timezone.localdate(decided + dt.timedelta(days=settings.PINE_PROPOSAL_RETENTION_DAYS))


class ProposalDraft(models.Model):
    """Answers saved part-way through the form, reopened from a link emailed to the contact.

    The answers (which may hold a phone number) are encrypted at rest, and drafts are deleted once expired.
    A draft carries the submission key of the form it came from, so however many times (and in however many
    browsers) it is reopened, sending it makes one proposal, and its link then says that it was sent.
    Once sent, its answers are emptied: the proposal holds them now.
    """

    token_hash = models.CharField(max_length=64, unique=True)
    email = models.EmailField(max_length=254)
    sealed_answers = EncryptedTextField("saved answers, as encrypted JSON")
    submission_key = models.CharField(max_length=64, blank=True, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return f"Saved proposal for {self.email}"

    @property
    def answers(self) -> dict[str, Any]:
        return json.loads(self.sealed_answers) if self.sealed_answers else {}

    @property
    def key(self) -> str:
        """The submission key sending this draft uses (drafts saved before keys were kept get one from their hash)."""
        return self.submission_key or hashlib.sha256(f"draft:{self.token_hash}".encode()).hexdigest()


class InformationRequest(models.Model):
    """The programme team's question to a proposer, answered through a single-use link."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="information_requests")
    question = models.TextField()
    token_hash = models.CharField(max_length=64, unique=True)
    asked_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    asked_at = models.DateTimeField(default=timezone.now)
    answer = models.TextField(blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["asked_at"]

    def __str__(self) -> str:
        return f"Question about {self.proposal.reference}"


class SentEmail(models.Model):
    """Every email sent about a proposal, as sent, kept on the proposal."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="emails")
    to = models.EmailField(max_length=254)
    subject = models.CharField(max_length=300)
    body = models.TextField()
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-sent_at"]

    def __str__(self) -> str:
        return self.subject


class ConsultationStatus(models.TextChoices):
    BOOKED = "booked", "Booked"
    HELD = "held", "Held"
    CANCELLED = "cancelled", "Cancelled"


# The advisers invited to a consultation in these states may see its proposal (a cancelled one gives nothing).
INVITED_STATUSES = [ConsultationStatus.BOOKED, ConsultationStatus.HELD]


class ConsultationOutcome(models.TextChoices):
    ACCEPT = "accept", "Accept into the programme"
    CHANGES = "changes", "Ask for changes"
    DECLINE = "decline", "Decline"


class Consultation(models.Model):
    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="consultations")
    status = models.CharField(max_length=20, choices=ConsultationStatus.choices, default=ConsultationStatus.BOOKED)
    starts_at = models.DateTimeField()
    duration_minutes = models.PositiveSmallIntegerField(default=60)
    location = models.CharField("place or video link", max_length=300)
    advisers = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="consultations")
    calendar_sequence = models.PositiveIntegerField(default=0)
    notes = models.TextField(blank=True)
    outcome = models.CharField(max_length=20, choices=ConsultationOutcome.choices, blank=True)
    outcome_reasons = models.TextField(blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-starts_at"]

    def __str__(self) -> str:
        return f"Initial consultation for {self.proposal.reference}"

    @property
    def calendar_uid(self) -> str:
        return f"pine-consultation-{self.pk}@pine"

    @property
    def ends_at(self) -> dt.datetime:
        return self.starts_at + dt.timedelta(minutes=self.duration_minutes)


class DeclineTemplate(models.Model):
    """The programme's standard wording for declining a proposal, edited by the programme manager.

    Placeholders use `$name` (Python's string.Template), never the template language, so nothing typed here can
    run code or read other data. Each decline starts from this text and can still be changed before sending.
    """

    PLACEHOLDERS = {
        "contact_name": "the contact's name",
        "reference": "the proposal's reference, like PINE-2026-0042",
        "intervention_name": "what the organisation calls its intervention",
        "organisation_name": "the organisation's name",
        "reason": "the reason you give when declining",
    }

    body = models.TextField(max_length=10000)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    def __str__(self) -> str:
        return "Decline email template"
