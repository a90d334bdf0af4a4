"""Waves, participants, survey links and responses.

Participants are known everywhere by a random pseudonym. Their identifying details are optional, encrypted at
rest, and found only by exact value through keyed hashes (`crypto.blind_index`); no page, URL, log line or
audit entry shows them except to the site lead and the data protection officer.
"""

from __future__ import annotations

from django.db import models
from django.urls import reverse
from django.utils import timezone

from pine.collection.models.instruments import Instrument
from pine.core.fields import EncryptedTextField

# Waves and participants


class Wave(models.Model):
    """A time point (baseline, 3-month follow-up…) with its dates and the questionnaires it uses."""

    project = models.ForeignKey("journey.Project", on_delete=models.CASCADE, related_name="waves")
    name = models.CharField(max_length=100)
    code = models.CharField("short name for spreadsheets", max_length=20)
    position = models.PositiveSmallIntegerField(default=0)
    opens_on = models.DateField()
    closes_on = models.DateField()
    instruments = models.ManyToManyField(Instrument, related_name="waves")
    opened_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    reminder_every_days = models.PositiveSmallIntegerField("send reminders every", null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["position", "opens_on", "pk"]
        constraints = [models.UniqueConstraint(fields=["project", "code"], name="one_wave_code_per_project")]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("collection:wave", kwargs={"pk": self.project_id, "wave": self.pk})

    @property
    def status(self) -> str:
        today = timezone.localdate()
        if self.opened_at is None:
            return "Not open yet"
        if self.closed_at is not None or today > self.closes_on:
            return "Closed"
        if today < self.opens_on:
            return "Opens on " + self.opens_on.strftime("%-d %B %Y")
        return "Open"

    @property
    def accepting(self) -> bool:
        return self.status == "Open"


class Group(models.TextChoices):
    INTERVENTION = "intervention", "Intervention"
    COMPARISON = "comparison", "Comparison"


class Consent(models.TextChoices):
    NOT_ASKED = "not_asked", "Not asked yet"
    GIVEN = "given", "Given"
    REFUSED = "refused", "Refused"
    WITHDRAWN = "withdrawn", "Withdrawn"


IDENTIFIER_FIELDS = ("name", "email", "date_of_birth", "case_number")


class Participant(models.Model):
    """A person taking part, known by a random pseudonym. Identifying details are optional and encrypted."""

    project = models.ForeignKey("journey.Project", on_delete=models.CASCADE, related_name="participants")
    pseudonym = models.CharField(max_length=12, unique=True)
    group = models.CharField(max_length=20, choices=Group.choices, blank=True)
    cluster = models.CharField("team or site", max_length=100, blank=True)
    consent = models.CharField(max_length=20, choices=Consent.choices, default=Consent.NOT_ASKED)
    consent_date = models.DateField(null=True, blank=True)
    name = EncryptedTextField()
    email = EncryptedTextField()
    date_of_birth = EncryptedTextField()
    case_number = EncryptedTextField()
    # Keyed hashes for exact look-up; never shown, never exported, never in the audit log.
    name_hash = models.CharField(max_length=64, blank=True, db_index=True)
    email_hash = models.CharField(max_length=64, blank=True, db_index=True)
    date_of_birth_hash = models.CharField(max_length=64, blank=True, db_index=True)
    case_number_hash = models.CharField(max_length=64, blank=True, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["pseudonym"]

    def __str__(self) -> str:
        return self.pseudonym

    def get_absolute_url(self) -> str:
        return reverse("collection:participant", kwargs={"pk": self.project_id, "participant": self.pk})

    @property
    def may_be_contacted(self) -> bool:
        return self.consent not in {Consent.REFUSED, Consent.WITHDRAWN}


class LinkKind(models.TextChoices):
    PERSONAL = "personal", "Personal link"
    OPEN = "open", "Open link (anonymous)"


class SurveyLink(models.Model):
    """A link to answer a wave's questionnaires: one per participant per wave, or one open link per wave.

    The token in the link is an HMAC of `salt` under the service's secret key, so PINE can send the same link
    again in a reminder; only the token's SHA-256 is stored and looked up, so the database alone gives no link.
    """

    wave = models.ForeignKey(Wave, on_delete=models.CASCADE, related_name="links")
    participant = models.ForeignKey(Participant, null=True, blank=True, on_delete=models.CASCADE, related_name="links")
    kind = models.CharField(max_length=10, choices=LinkKind.choices, default=LinkKind.PERSONAL)
    salt = models.CharField(max_length=32)
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)
    reminders = models.PositiveSmallIntegerField(default=0)
    opened_at = models.DateTimeField(null=True, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["wave", "participant__pseudonym"]
        constraints = [
            models.UniqueConstraint(
                fields=["wave", "participant"], condition=models.Q(participant__isnull=False), name="one_link_per_wave"
            )
        ]

    def __str__(self) -> str:
        who = self.participant.pseudonym if self.participant_id and self.participant else "open"
        return f"Link for {who} to {self.wave}"


class ResponseStatus(models.TextChoices):
    IN_PROGRESS = "in_progress", "Started"
    SUBMITTED = "submitted", "Submitted"


class ResponseSource(models.TextChoices):
    LINK = "link", "Survey link"
    OPEN_LINK = "open_link", "Open link"
    IMPORT = "import", "Imported file"
    API = "api", "API"


class Response(models.Model):
    """One person's answers to one questionnaire in one wave, as `{item code: value}`."""

    wave = models.ForeignKey(Wave, on_delete=models.PROTECT, related_name="responses")
    instrument = models.ForeignKey(Instrument, on_delete=models.PROTECT, related_name="responses")
    participant = models.ForeignKey(
        Participant, null=True, blank=True, on_delete=models.CASCADE, related_name="responses"
    )
    link = models.ForeignKey(SurveyLink, null=True, blank=True, on_delete=models.SET_NULL, related_name="responses")
    # Groups an anonymous respondent's questionnaires on an open link (a random value, nothing else).
    respondent_key = models.CharField(max_length=64, blank=True, db_index=True)
    import_batch = models.ForeignKey(
        "ImportBatch", null=True, blank=True, on_delete=models.SET_NULL, related_name="responses"
    )
    source = models.CharField(max_length=20, choices=ResponseSource.choices)
    status = models.CharField(max_length=20, choices=ResponseStatus.choices, default=ResponseStatus.IN_PROGRESS)
    answers = models.JSONField(default=dict, blank=True)
    started_at = models.DateTimeField(default=timezone.now)
    submitted_at = models.DateTimeField(null=True, blank=True)
    # Sent (through the API) after its wave had closed: kept, and marked so analysts can see it came late.
    late = models.BooleanField("arrived after the wave closed", default=False)

    class Meta:
        ordering = ["wave", "participant__pseudonym", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["participant", "wave", "instrument"],
                condition=models.Q(participant__isnull=False),
                name="one_response_per_participant_wave_instrument",
            )
        ]
        indexes = [models.Index(fields=["wave", "status"])]

    def __str__(self) -> str:
        who = self.participant.pseudonym if self.participant_id and self.participant else "anonymous"
        return f"Response of {who} to {self.wave}"

    @property
    def project_id(self) -> int:
        return self.wave.project_id
