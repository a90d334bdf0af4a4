"""Imports and the API: uploaded files on their way in, saved column choices, and API tokens."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone

from pine.collection.models.instruments import Instrument
from pine.collection.models.waves import Wave

# Imports


STALLED_AFTER = dt.timedelta(minutes=15)


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
    # Whoever checks or stores the rows says so here at least every STALLED_AFTER; `attempt` tells a worker that
    # was given up on (Retry, Discard) to stop without writing anything.
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    attempt = models.PositiveIntegerField(default=0)

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
    def is_stalled(self) -> bool:
        """Working, but nothing has said it is alive for a while: its worker most likely died."""
        last = self.heartbeat_at or self.uploaded_at
        return self.is_working and last < timezone.now() - STALLED_AFTER

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
