"""Projects, their stages, checkpoint meetings, actions and decisions."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone

from pine.journey.stages import stage as stage_definition


def _long_date(moment: dt.datetime) -> str:
    local = timezone.localtime(moment)
    return f"{local.day} {local:%B %Y}"


class PublicSummaryStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Waiting for approval"
    APPROVED = "approved", "Approved"


class Project(models.Model):
    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="projects")
    title = models.CharField(max_length=200)
    intervention_summary = models.TextField("what the intervention is", blank=True)
    priorities = models.ManyToManyField("programme.Priority", blank=True, related_name="projects")
    practice_adviser = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    research_adviser = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    start_date = models.DateField(null=True, blank=True)
    expected_end_date = models.DateField(null=True, blank=True)
    public_summary = models.TextField(blank=True)
    public_summary_status = models.CharField(
        max_length=20, choices=PublicSummaryStatus.choices, default=PublicSummaryStatus.DRAFT
    )
    current_stage = models.PositiveSmallIntegerField(default=1)
    last_activity_at = models.DateTimeField(default=timezone.now)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("journey:project", kwargs={"pk": self.pk})

    @property
    def reference(self) -> str:
        return f"PINE-P{self.pk:04d}"

    @property
    def current_stage_title(self) -> str:
        return stage_definition(self.current_stage).title


class ProjectRole(models.TextChoices):
    PROJECT_LEAD = "project_lead", "Project lead"
    DATA_LEAD = "data_lead", "Data lead"
    TEAM_MEMBER = "team_member", "Team member"


class ProjectMember(models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="project_memberships")
    role = models.CharField(max_length=30, choices=ProjectRole.choices, default=ProjectRole.TEAM_MEMBER)

    class Meta:
        ordering = ["role", "user__full_name"]
        constraints = [models.UniqueConstraint(fields=["project", "user"], name="one_project_role_each")]

    def __str__(self) -> str:
        return f"{self.user} – {self.get_role_display()}"


class StageStatus(models.TextChoices):
    LOCKED = "locked", "Cannot start yet"
    OPEN = "open", "In progress"
    READY = "ready", "Ready for checkpoint"
    COMPLETED = "completed", "Completed"


class ProjectStage(models.Model):
    """One of a project's eight stages. Only a *proceed* decision completes a stage and opens the next."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="stages")
    number = models.PositiveSmallIntegerField()
    status = models.CharField(max_length=20, choices=StageStatus.choices, default=StageStatus.LOCKED)
    opened_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    summary = models.TextField("what you produced in this stage", blank=True)
    summary_version = models.PositiveIntegerField(default=0)
    guidance_read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["project", "number"]
        constraints = [models.UniqueConstraint(fields=["project", "number"], name="one_row_per_stage")]

    def __str__(self) -> str:
        return f"{self.project}: stage {self.number}, {self.title}"

    @property
    def title(self) -> str:
        return stage_definition(self.number).title

    def definition_has_checkpoint(self) -> bool:
        return stage_definition(self.number).has_checkpoint


class CheckpointStatus(models.TextChoices):
    REQUESTED = "requested", "Requested"
    SCHEDULED = "scheduled", "Scheduled"
    HELD = "held", "Decided"
    CANCELLED = "cancelled", "Cancelled"


class Checkpoint(models.Model):
    """The meeting that closes a stage: requested by the site, scheduled by an adviser, decided by an adviser."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="checkpoints")
    stage = models.ForeignKey(ProjectStage, on_delete=models.CASCADE, related_name="checkpoints")
    status = models.CharField(max_length=20, choices=CheckpointStatus.choices, default=CheckpointStatus.REQUESTED)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    requested_at = models.DateTimeField(default=timezone.now)
    request_message = models.TextField(blank=True)
    proposed_times = models.JSONField(default=list, blank=True)
    starts_at = models.DateTimeField(null=True, blank=True)
    duration_minutes = models.PositiveSmallIntegerField(default=60)
    location = models.CharField("place or video link", max_length=300, blank=True)
    attendees = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="checkpoints")
    agenda = models.TextField(blank=True)
    notes = models.TextField(blank=True)
    notes_version = models.PositiveIntegerField(default=0)
    notes_updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    notes_updated_at = models.DateTimeField(null=True, blank=True)
    calendar_sequence = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-requested_at"]

    def __str__(self) -> str:
        return f"{self.label} (stage {self.stage.number} of {self.project})"

    def get_absolute_url(self) -> str:
        return reverse("journey:checkpoint", kwargs={"pk": self.project_id, "checkpoint": self.pk})

    @property
    def label(self) -> str:
        """How people tell checkpoints apart: by the meeting's date, or the request's before it is booked."""
        if self.starts_at is not None:
            return f"Checkpoint on {_long_date(self.starts_at)}"
        return f"Checkpoint requested on {_long_date(self.requested_at)}"

    @property
    def suggested_times(self) -> list[dt.datetime]:
        """The times the site suggested when it asked for the meeting, earliest first, in local time."""
        return sorted(timezone.localtime(dt.datetime.fromisoformat(t)) for t in self.proposed_times)

    @property
    def has_started(self) -> bool:
        return self.starts_at is not None and self.starts_at <= timezone.now()

    @property
    def calendar_uid(self) -> str:
        return f"pine-checkpoint-{self.pk}@pine"

    @property
    def ends_at(self) -> dt.datetime | None:
        return self.starts_at + dt.timedelta(minutes=self.duration_minutes) if self.starts_at else None


class DecisionOutcome(models.TextChoices):
    PROCEED = "proceed", "Proceed to the next stage"
    REVISE = "revise", "Revise: the stage stays open"


class Decision(models.Model):
    """An adviser's decision at a checkpoint: a final record, never edited. One per checkpoint."""

    checkpoint = models.OneToOneField(Checkpoint, on_delete=models.PROTECT, related_name="decision")
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="decisions")
    stage_number = models.PositiveSmallIntegerField()
    outcome = models.CharField(max_length=20, choices=DecisionOutcome.choices)
    reasons = models.TextField(blank=True)
    # Proceeding while the stage's checks fail needs a reason; both are kept as they were at the decision.
    failing_checks = models.JSONField("checks failing when decided", default=list, blank=True)
    override_reason = models.TextField("why the decision proceeded although checks failed", blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-decided_at"]

    def __str__(self) -> str:
        return f"{self.get_outcome_display()}: {self.checkpoint.label} (stage {self.stage_number} of {self.project})"


class ActionStatus(models.TextChoices):
    OPEN = "open", "Open"
    DONE = "done", "Done"


class Action(models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="actions")
    checkpoint = models.ForeignKey(Checkpoint, null=True, blank=True, on_delete=models.SET_NULL, related_name="actions")
    description = models.CharField(max_length=500)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="journey_actions")
    due_date = models.DateField()
    status = models.CharField(max_length=10, choices=ActionStatus.choices, default=ActionStatus.OPEN)
    completed_at = models.DateTimeField(null=True, blank=True)
    reminder_sent_on = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["status", "due_date"]
        indexes = [models.Index(fields=["status", "due_date"])]

    def __str__(self) -> str:
        return self.description[:80]

    @property
    def is_overdue(self) -> bool:
        return self.status == ActionStatus.OPEN and self.due_date < timezone.localdate()
