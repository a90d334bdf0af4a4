"""The append-only audit log, and the counters behind every rate limit (`pine.core.ratelimit`)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models


class AuditAction(models.TextChoices):
    SIGN_IN = "sign_in", "Signed in"
    SIGN_IN_FAILED = "sign_in_failed", "Failed sign-in"
    SIGN_OUT = "sign_out", "Signed out"
    LOCKED_OUT = "locked_out", "Locked out"
    TWO_FACTOR_SET_UP = "two_factor_set_up", "Set up two-factor authentication"
    PASSWORD_RESET_REQUESTED = "password_reset_requested", "Asked to reset password"
    PASSWORD_CHANGED = "password_changed", "Changed password"
    INVITED = "invited", "Invited"
    INVITATION_ACCEPTED = "invitation_accepted", "Accepted invitation"
    INVITATION_REVOKED = "invitation_revoked", "Withdrew invitation"
    CREATED = "created", "Created"
    CHANGED = "changed", "Changed"
    DELETED = "deleted", "Deleted"
    EXPORTED = "exported", "Exported"
    PUBLISHED = "published", "Published"


class AuditEventQuerySet(models.QuerySet["AuditEvent"]):
    def update(self, **kwargs: Any) -> int:
        raise PermissionError("Audit events cannot be changed.")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise PermissionError("Audit events cannot be deleted.")


class AuditEvent(models.Model):
    """Who did what, to which record, when, and from where. Rows are only ever added.

    `changes` maps a field name to `[before, after]`; identifying fields are recorded as changed without their
    values. `object_repr` is kept so the log still reads well after the record is deleted.
    """

    occurred_at = models.DateTimeField(auto_now_add=True, db_index=True)
    # No database constraint and no cascade: the log keeps the ids of people and organisations even after they
    # are deleted, and rows are never updated.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    actor_label = models.CharField(max_length=254, blank=True)
    action = models.CharField(max_length=40, choices=AuditAction.choices, db_index=True)
    object_type = models.CharField(max_length=100, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    object_repr = models.CharField(max_length=200, blank=True)
    organisation = models.ForeignKey(
        "accounts.Organisation",
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    # The project the record belongs to, if any, for a project's timeline (no constraint, like the others).
    project_id = models.PositiveBigIntegerField(null=True, blank=True, db_index=True)
    changes = models.JSONField(default=dict, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=300, blank=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["-occurred_at", "-id"]
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self) -> str:
        return f"{self.occurred_at:%Y-%m-%d %H:%M} {self.actor_label or 'system'} {self.get_action_display()}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise PermissionError("Audit events cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise PermissionError("Audit events cannot be deleted.")

    @property
    def object_type_label(self) -> str:
        """The kind of record, in words ('Decision', not 'journey.Decision')."""
        from pine.core.audit_display import object_type_label

        return object_type_label(self.object_type)

    @property
    def change_lines(self) -> list[Any]:
        """Each change with its field's label and values as a person reads them (choice labels, not codes)."""
        from pine.core.audit_display import change_lines

        return change_lines(self.object_type, self.changes or {})


class RateCounter(models.Model):
    """How many times one thing was counted against a limit, for one key, in one window of time.

    The key is stored only as a keyed hash (it is often an internet or email address), and a row is deleted
    soon after its window ends."""

    scope = models.CharField(max_length=40)
    key_hash = models.CharField(max_length=64)
    window_start = models.DateTimeField()
    expires_at = models.DateTimeField(db_index=True)
    hits = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["scope", "key_hash", "window_start"], name="core_ratecounter_one_per_window"
            )
        ]

    def __str__(self) -> str:
        return f"{self.scope}: {self.hits} since {self.window_start:%Y-%m-%d %H:%M}"
