"""Instruments, waves, participants, survey links, responses, imports and API tokens.

Participants are known everywhere by a random pseudonym. Their identifying details are optional, encrypted at
rest, and found only by exact value through keyed hashes (`crypto.blind_index`); no page, URL, log line or
audit entry shows them except to the site lead and the data protection officer.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone

from pine.core.fields import EncryptedTextField

# Instruments


class ScoringMethod(models.TextChoices):
    SUM = "sum", "Add up the item scores (sum)"
    MEAN = "mean", "Average of the item scores (mean)"
    NONE = "none", "No score (for example, a feedback form)"


class Instrument(models.Model):
    """A questionnaire. Versions share a `family`; a version in use is frozen and changes make a new one."""

    project = models.ForeignKey("journey.Project", on_delete=models.CASCADE, related_name="instruments")
    family = models.UUIDField(default=uuid.uuid4, editable=False)
    version = models.PositiveIntegerField(default=1)
    name = models.CharField(max_length=200)
    description = models.TextField("introduction for respondents", blank=True)
    # Where the questionnaire comes from in the evaluation plan, when it does (the modelling measures library).
    measure = models.ForeignKey(
        "modelling.Measure", null=True, blank=True, on_delete=models.SET_NULL, related_name="instruments"
    )
    scoring = models.CharField(max_length=10, choices=ScoringMethod.choices, default=ScoringMethod.SUM)
    min_answered = models.PositiveSmallIntegerField("fewest items answered for a valid score", null=True, blank=True)
    change_note = models.CharField("what changed from the last version", max_length=300, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name", "-version"]
        constraints = [models.UniqueConstraint(fields=["family", "version"], name="one_instrument_version_number")]

    def __str__(self) -> str:
        return f"{self.name} (version {self.version})"

    def get_absolute_url(self) -> str:
        return reverse("collection:instrument", kwargs={"pk": self.project_id, "instrument": self.pk})


class Section(models.Model):
    """One page of a questionnaire as respondents see it."""

    instrument = models.ForeignKey(Instrument, on_delete=models.CASCADE, related_name="sections")
    title = models.CharField(max_length=200)
    intro = models.TextField("introduction", blank=True)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.title


class ItemKind(models.TextChoices):
    LIKERT = "likert", "Rating scale (for example, strongly disagree to strongly agree)"
    NUMBER = "number", "Number"
    SINGLE = "single", "Choose one option"
    MULTIPLE = "multiple", "Choose any options that apply"
    YES_NO = "yes_no", "Yes or no"
    DATE = "date", "Date"
    SHORT_TEXT = "short_text", "Short answer in words"
    LONG_TEXT = "long_text", "Longer answer in words"


SCORABLE_KINDS = {ItemKind.LIKERT, ItemKind.NUMBER, ItemKind.YES_NO, ItemKind.SINGLE}
TEXT_KINDS = {ItemKind.SHORT_TEXT, ItemKind.LONG_TEXT}


class Item(models.Model):
    """One question. `code` names its column in imports and exports (its SPSS variable name)."""

    instrument = models.ForeignKey(Instrument, on_delete=models.CASCADE, related_name="items")
    section = models.ForeignKey(Section, on_delete=models.CASCADE, related_name="items")
    code = models.CharField(max_length=32)
    text = models.CharField("question", max_length=500)
    help_text = models.CharField("hint", max_length=500, blank=True)
    kind = models.CharField(max_length=20, choices=ItemKind.choices)
    required = models.BooleanField(default=True)
    # Labels of a rating scale's points (lowest first), or the options of a choice question.
    options = models.JSONField(default=list, blank=True)
    scale_start = models.SmallIntegerField("number of the first point", default=1)
    minimum = models.FloatField(null=True, blank=True)
    maximum = models.FloatField(null=True, blank=True)
    reverse_scored = models.BooleanField(default=False)
    scored = models.BooleanField("counts towards the score", default=True)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["section__position", "section_id", "position", "pk"]
        constraints = [models.UniqueConstraint(fields=["instrument", "code"], name="one_item_code_per_instrument")]

    def __str__(self) -> str:
        return f"{self.code}: {self.text[:60]}"

    @property
    def is_scorable(self) -> bool:
        return self.kind in SCORABLE_KINDS

    @property
    def in_score(self) -> bool:
        return self.scored and self.is_scorable

    def value_labels(self) -> dict[int, str]:
        """The stored number of each answer and its label (SPSS value labels, the preview, imports)."""
        if self.kind == ItemKind.LIKERT:
            return {self.scale_start + i: label for i, label in enumerate(self.options)}
        if self.kind in {ItemKind.SINGLE, ItemKind.MULTIPLE}:
            return {i + 1: label for i, label in enumerate(self.options)}
        if self.kind == ItemKind.YES_NO:
            return {1: "Yes", 0: "No"}
        return {}

    @property
    def scale_range(self) -> tuple[float, float] | None:
        if self.kind == ItemKind.LIKERT and self.options:
            return float(self.scale_start), float(self.scale_start + len(self.options) - 1)
        if self.kind == ItemKind.NUMBER and self.minimum is not None and self.maximum is not None:
            return self.minimum, self.maximum
        if self.kind == ItemKind.YES_NO:
            return 0.0, 1.0
        if self.kind == ItemKind.SINGLE and self.options:
            return 1.0, float(len(self.options))
        return None


class Subscale(models.Model):
    instrument = models.ForeignKey(Instrument, on_delete=models.CASCADE, related_name="subscales")
    name = models.CharField(max_length=200)
    code = models.CharField(max_length=32)
    items = models.ManyToManyField(Item, related_name="subscales")
    scoring = models.CharField(max_length=10, choices=ScoringMethod.choices[:2], default=ScoringMethod.MEAN)
    min_answered = models.PositiveSmallIntegerField("fewest items answered for a valid score", null=True, blank=True)

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["instrument", "code"], name="one_subscale_code_per_instrument")]

    def __str__(self) -> str:
        return self.name


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


class LinkAttempt(models.Model):
    """A request for a survey link that does not exist, kept briefly to slow down guessing.

    Only a keyed hash of the internet address is kept, never the address itself."""

    address_hash = models.CharField(max_length=64, db_index=True)
    at = models.DateTimeField(default=timezone.now, db_index=True)

    def __str__(self) -> str:
        return f"Failed link attempt at {self.at:%Y-%m-%d %H:%M}"


# Imports


class ImportStatus(models.TextChoices):
    UPLOADED = "uploaded", "Choose what the columns are"
    VALIDATING = "validating", "Checking"
    CHECKED = "checked", "Checked: ready to import"
    PROBLEMS = "problems", "Checked: problems to fix"
    COMMITTING = "committing", "Importing"
    COMMITTED = "committed", "Imported"
    FAILED = "failed", "Failed"
    DISCARDED = "discarded", "Discarded"


class ImportBatch(models.Model):
    """An uploaded file on its way in. The file is kept encrypted until it is imported or discarded."""

    project = models.ForeignKey("journey.Project", on_delete=models.CASCADE, related_name="import_batches")
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    uploaded_at = models.DateTimeField(default=timezone.now)
    filename = models.CharField(max_length=200)
    file_format = models.CharField(max_length=10)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64, db_index=True)
    stored_name = models.CharField(max_length=200, blank=True)
    headers = models.JSONField(default=list)
    row_count = models.PositiveIntegerField(default=0)
    wave = models.ForeignKey(Wave, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    instrument = models.ForeignKey(Instrument, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    mapping = models.JSONField(default=dict, blank=True)
    missing_codes = models.JSONField(default=list, blank=True)
    create_participants = models.BooleanField(default=False)
    status = models.CharField(max_length=20, choices=ImportStatus.choices, default=ImportStatus.UPLOADED)
    rows_done = models.PositiveIntegerField(default=0)
    problem_count = models.PositiveIntegerField(default=0)
    problems = models.JSONField(default=list, blank=True)
    preview = models.JSONField(default=dict, blank=True)
    message = models.TextField(blank=True)
    stored_responses = models.PositiveIntegerField(default=0)
    stored_participants = models.PositiveIntegerField(default=0)
    committed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-uploaded_at"]

    def __str__(self) -> str:
        # Not the file's name: people name files after whoever is in them.
        return f"Imported file {self.pk} ({self.file_format.upper()})"

    def get_absolute_url(self) -> str:
        return reverse("collection:import", kwargs={"pk": self.project_id, "batch": self.pk})

    @property
    def is_working(self) -> bool:
        return self.status in {ImportStatus.VALIDATING, ImportStatus.COMMITTING}

    @property
    def percent_done(self) -> int:
        return min(100, int(100 * self.rows_done / self.row_count)) if self.row_count else 0


class ImportMapping(models.Model):
    """A saved choice of what each column is, offered again for a file with the same columns."""

    project = models.ForeignKey("journey.Project", on_delete=models.CASCADE, related_name="import_mappings")
    headers_key = models.CharField(max_length=64)
    mapping = models.JSONField(default=dict)
    missing_codes = models.JSONField(default=list, blank=True)
    saved_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["project", "headers_key"], name="one_mapping_per_header_set")]

    def __str__(self) -> str:
        return f"Saved column choices for {self.project}"


# The API


class ApiScope(models.TextChoices):
    READ = "read", "Read pseudonymised responses"
    WRITE = "write", "Send responses"


class ApiToken(models.Model):
    """A key for a case-management system or an analyst's script, for one organisation's projects."""

    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100)
    prefix = models.CharField(max_length=12)
    token_hash = models.CharField(max_length=64, unique=True)
    scopes = models.JSONField(default=list)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"API token {self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None

    def has_scope(self, scope: str) -> bool:
        return self.is_active and scope in self.scopes

    def scope_labels(self) -> list[str]:
        return [ApiScope(s).label for s in self.scopes if s in ApiScope.values]
