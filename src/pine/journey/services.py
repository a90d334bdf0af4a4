"""Writes for projects, stages, checkpoints, decisions and actions. Atomic, audited, and gate-checked."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from pine.accounts.models import Organisation, User
from pine.core import audit, notify
from pine.core.models import AuditAction
from pine.journey import emails, gates, registry
from pine.journey.models import (
    Action,
    ActionStatus,
    Checkpoint,
    CheckpointStatus,
    Decision,
    DecisionOutcome,
    Project,
    ProjectMember,
    ProjectStage,
    StageStatus,
)
from pine.journey.stages import LAST, STAGES


class JourneyError(Exception):
    """A step the journey's rules do not allow now; the message says why, for the person."""


class AlreadyDecided(JourneyError):
    def __init__(self, decision: Decision) -> None:
        super().__init__(
            f"{decision.decided_by.full_name} has already recorded a decision for this checkpoint: "
            f"{decision.get_outcome_display().lower()}."
        )
        self.decision = decision


class NotesConflict(JourneyError):
    """Someone saved the notes after this person started editing; nothing was overwritten."""

    def __init__(self, checkpoint: Checkpoint) -> None:
        who = checkpoint.notes_updated_by.full_name if checkpoint.notes_updated_by else "Someone"
        super().__init__(f"{who} changed these notes while you were editing them.")
        self.current = checkpoint


def _touch(project: Project) -> None:
    Project.objects.filter(pk=project.pk).update(last_activity_at=timezone.now())


# Projects


@transaction.atomic
def project_create(
    *,
    actor: User,
    organisation: Organisation,
    title: str,
    intervention_summary: str = "",
    priorities: Iterable[Any] = (),
    practice_adviser: User | None = None,
    research_adviser: User | None = None,
    initial_consultation_done: bool = False,
) -> Project:
    """A project with its eight stages: stage 1 open, or completed with stage 2 open after a consultation."""
    project = Project(
        organisation=organisation,
        title=title.strip(),
        intervention_summary=intervention_summary.strip(),
        practice_adviser=practice_adviser,
        research_adviser=research_adviser,
        current_stage=2 if initial_consultation_done else 1,
    )
    project.full_clean()
    project.save()
    project.priorities.set(priorities)
    now = timezone.now()
    stages = []
    for definition in STAGES:
        status = StageStatus.LOCKED
        if definition.number == 1:
            status = StageStatus.COMPLETED if initial_consultation_done else StageStatus.OPEN
        elif definition.number == 2 and initial_consultation_done:
            status = StageStatus.OPEN
        stages.append(
            ProjectStage(
                project=project,
                number=definition.number,
                status=status,
                opened_at=now if status != StageStatus.LOCKED else None,
                completed_at=now if status == StageStatus.COMPLETED else None,
            )
        )
    ProjectStage.objects.bulk_create(stages)
    audit.record(action=AuditAction.CREATED, obj=project, actor=actor, changes=audit.created_changes(project))
    return project


@transaction.atomic
def project_update(*, actor: User, project: Project, data: dict[str, Any]) -> Project:
    if {"practice_adviser", "research_adviser"} & set(data):
        raise JourneyError("Advisers are changed with project_advisers_change, which updates their meetings.")
    locked = Project.objects.select_for_update().get(pk=project.pk)
    before = audit.snapshot(locked)
    before_priorities = sorted(p.name for p in locked.priorities.all())
    fields = [f for f in data if f != "priorities"]
    for name in fields:
        setattr(project, name, data[name].strip() if isinstance(data[name], str) else data[name])
    if "public_summary" in data and data["public_summary"] != locked.public_summary:
        # A changed public summary needs the programme manager's approval again.
        project.public_summary_status = "submitted" if project.public_summary.strip() else "draft"
    project.full_clean()
    changes = audit.diff(before, audit.snapshot(project))
    if "priorities" in data:
        project.priorities.set(data["priorities"])
        after_priorities = sorted(p.name for p in data["priorities"])
        if after_priorities != before_priorities:
            changes["priorities"] = [before_priorities, after_priorities]
    if changes:
        project.save()
        audit.record(action=AuditAction.CHANGED, obj=project, actor=actor, changes=changes)
    return project


def _future_checkpoints(project: Project) -> list[Checkpoint]:
    """Checkpoints still to come: requested, or booked for a time not yet reached. Locked, oldest first."""
    now = timezone.now()
    live = Checkpoint.objects.select_for_update().filter(
        project=project, status__in=[CheckpointStatus.REQUESTED, CheckpointStatus.SCHEDULED]
    )
    return [
        c
        for c in live.select_related("stage").order_by("pk")
        if c.status == CheckpointStatus.REQUESTED or (c.starts_at is not None and c.starts_at > now)
    ]


def _account(person: User | None) -> str:
    return audit.label(person) if person is not None else ""


@transaction.atomic
def project_advisers_change(
    *, actor: User, project: Project, practice_adviser: User | None, research_adviser: User | None
) -> Project:
    """Assign the project's advisers, and carry the change through to every checkpoint still to come.

    A new adviser joins each future checkpoint (a calendar invitation for a booked one, the request for one not
    yet booked); a removed adviser leaves it (a calendar cancellation for them alone: the meeting itself goes
    ahead). The team and every adviser concerned get an email saying who their advisers now are.
    """
    locked = (
        # Only the project row is locked: PostgreSQL cannot lock the empty side of an outer join (no adviser).
        Project.objects.select_for_update(of=("self",))
        .select_related("practice_adviser", "research_adviser")
        .get(pk=project.pk)
    )
    before = {"practice adviser": locked.practice_adviser, "research adviser": locked.research_adviser}
    after = {"practice adviser": practice_adviser, "research adviser": research_adviser}
    changes = {
        # The append-only log names accounts by reference, never by a person's name (see core/audit.py).
        role: [_account(person), _account(after[role])]
        for role, person in before.items()
        if person != after[role]
    }
    if not changes:
        return locked
    locked.practice_adviser, locked.research_adviser = practice_adviser, research_adviser
    locked.full_clean()
    locked.save(update_fields=["practice_adviser", "research_adviser", "updated_at"])
    project.practice_adviser, project.research_adviser = practice_adviser, research_adviser
    audit.record(action=AuditAction.CHANGED, obj=locked, actor=actor, changes=changes)

    old = {person for person in before.values() if person is not None}
    new = {person for person in after.values() if person is not None and person.is_active}
    added, removed = new - old, old - new
    affected: list[Checkpoint] = []
    for checkpoint in _future_checkpoints(locked):
        invited = set(checkpoint.attendees.all())
        leaving, joining = removed & invited, added - invited
        if not leaving and not joining:
            continue
        checkpoint.project = locked
        checkpoint.attendees.remove(*leaving)
        checkpoint.attendees.add(*joining)
        affected.append(checkpoint)
        audit.record(
            action=AuditAction.CHANGED,
            obj=checkpoint,
            actor=actor,
            changes={
                "attendees removed": ["", ", ".join(sorted(audit.label(p) for p in leaving))],
                "attendees added": ["", ", ".join(sorted(audit.label(p) for p in joining))],
            },
        )
        if checkpoint.status == CheckpointStatus.SCHEDULED:
            # One UID per meeting: the update carries a higher SEQUENCE so calendars replace what they hold.
            checkpoint.calendar_sequence += 1
            checkpoint.save(update_fields=["calendar_sequence"])
            for person in sorted(leaving, key=lambda u: u.email):
                _send_calendar(checkpoint, change="uninvited", only=person)
            for person in sorted(joining, key=lambda u: u.email):
                _send_calendar(checkpoint, change="joined", only=person)
        else:
            for person in sorted(joining, key=lambda u: u.email):
                notify.queue(emails.send_checkpoint_requested, checkpoint_id=checkpoint.pk, recipient_id=person.pk)
    concerned = {*_team_emails(locked), *(p for p in old | new if p.is_active)}
    for person in sorted(concerned, key=lambda u: u.email):
        notify.queue(
            emails.send_advisers_changed,
            project_id=locked.pk,
            recipient_id=person.pk,
            removed=person in removed,
            added=person in added,
        )
    _touch(locked)
    return locked


@transaction.atomic
def public_summary_approve(*, actor: User, project: Project) -> Project:
    if not project.public_summary.strip():
        raise JourneyError("There is no public summary to approve yet.")
    before = audit.snapshot(project, ["public_summary_status"])
    project.public_summary_status = "approved"
    project.save(update_fields=["public_summary_status", "updated_at"])
    audit.record(
        action=AuditAction.CHANGED,
        obj=project,
        actor=actor,
        changes=audit.diff(before, audit.snapshot(project, ["public_summary_status"])),
    )
    return project


@transaction.atomic
def project_member_add(*, actor: User, project: Project, user: User, role: str) -> ProjectMember:
    if not user.memberships.filter(organisation_id=project.organisation_id).exists():
        raise JourneyError(f"{user.full_name} is not a member of {project.organisation}.")
    member, created = ProjectMember.objects.update_or_create(project=project, user=user, defaults={"role": role})
    audit.record(
        action=AuditAction.CREATED if created else AuditAction.CHANGED,
        obj=member,
        actor=actor,
        changes={"member": ["", user.email], "role": ["", member.get_role_display()]},
    )
    _touch(project)
    return member


@transaction.atomic
def project_member_remove(*, actor: User, member: ProjectMember) -> None:
    audit.record(action=AuditAction.DELETED, obj=member, actor=actor, changes={"member": [member.user.email, ""]})
    member.delete()


# Stage work


def _lock_stage(stage: ProjectStage) -> ProjectStage:
    return ProjectStage.objects.select_for_update().select_related("project").get(pk=stage.pk)


@transaction.atomic
def stage_mark_guidance_read(*, actor: User, stage: ProjectStage) -> ProjectStage:
    stage = _lock_stage(stage)
    gates.require_open_stage(stage)
    if stage.guidance_read_at is None:
        stage.guidance_read_at = timezone.now()
        stage.save(update_fields=["guidance_read_at"])
        audit.record(action=AuditAction.CHANGED, obj=stage, actor=actor, changes={"guidance": ["", "read"]})
        _touch(stage.project)
    return stage


@transaction.atomic
def stage_save_summary(*, actor: User, stage: ProjectStage, summary: str, version: int) -> ProjectStage:
    """Save the stage's record of work, unless someone else saved it since `version` was read."""
    stage = _lock_stage(stage)
    gates.require_open_stage(stage)
    if stage.summary_version != version:
        raise JourneyError(
            "Someone else changed this record while you were editing it. Their version is shown; "
            "add your changes to it and save again."
        )
    before = audit.snapshot(stage, ["summary"])
    stage.summary = summary.strip()
    stage.summary_version += 1
    stage.save(update_fields=["summary", "summary_version"])
    audit.record(
        action=AuditAction.CHANGED,
        obj=stage,
        actor=actor,
        changes=audit.diff(before, audit.snapshot(stage, ["summary"])),
    )
    _touch(stage.project)
    return stage


# Checkpoints


def _team_emails(project: Project) -> list[User]:
    people = {m.user for m in project.members.select_related("user") if m.user.is_active}
    people |= {
        m.user
        for m in project.organisation.memberships.select_related("user").filter(role="site_lead")
        if m.user.is_active
    }
    return sorted(people, key=lambda u: u.email)


def _advisers(project: Project) -> list[User]:
    return [u for u in (project.practice_adviser, project.research_adviser) if u is not None and u.is_active]


@transaction.atomic
def checkpoint_request(
    *, actor: User, stage: ProjectStage, proposed_times: list[dt.datetime], message: str = ""
) -> Checkpoint:
    stage = _lock_stage(stage)
    gates.require_open_stage(stage)
    if not stage.definition_has_checkpoint():
        raise JourneyError(f"Stage {stage.number}, {stage.title}, has no checkpoint meeting.")
    if stage.checkpoints.filter(status__in=[CheckpointStatus.REQUESTED, CheckpointStatus.SCHEDULED]).exists():
        raise JourneyError("A checkpoint for this stage is already requested.")
    now = timezone.now()
    if not proposed_times:
        raise JourneyError("Suggest at least one time for the meeting.")
    if any(time <= now for time in proposed_times):
        raise JourneyError("Suggested times must be in the future.")
    project = stage.project
    checkpoint = Checkpoint.objects.create(
        project=project,
        stage=stage,
        requested_by=actor,
        request_message=message.strip(),
        proposed_times=[t.isoformat() for t in sorted(proposed_times)],
    )
    checkpoint.attendees.set([*_team_emails(project), *_advisers(project)])
    stage.status = StageStatus.READY
    stage.save(update_fields=["status"])
    audit.record(
        action=AuditAction.CREATED,
        obj=checkpoint,
        actor=actor,
        changes={"stage": ["", stage.number], "proposed_times": ["", checkpoint.proposed_times]},
    )
    for adviser in _advisers(project):
        notify.queue(emails.send_checkpoint_requested, checkpoint_id=checkpoint.pk, recipient_id=adviser.pk)
    _touch(project)
    return checkpoint


def _lock_checkpoint(checkpoint: Checkpoint) -> Checkpoint:
    return Checkpoint.objects.select_for_update().select_related("project", "stage").get(pk=checkpoint.pk)


def _send_calendar(checkpoint: Checkpoint, *, change: str, only: User | None = None) -> None:
    """Queue the calendar invitation for every active attendee; or, with `only`, for that one person (`joined`: the
    invitation when they join the meeting; `uninvited`: a cancellation for them alone when they leave it).
    `change` is one of journey/emails.py's CALENDAR_SUBJECTS."""
    people = [only] if only is not None else list(checkpoint.attendees.all())
    for person in people:
        if not person.is_active:
            continue
        notify.queue(
            emails.send_checkpoint_calendar, checkpoint_id=checkpoint.pk, recipient_id=person.pk, change=change
        )


@transaction.atomic
def checkpoint_schedule(
    *,
    actor: User,
    checkpoint: Checkpoint,
    starts_at: dt.datetime,
    duration_minutes: int,
    location: str,
    attendees: Iterable[User] | None = None,
) -> Checkpoint:
    """Confirm (or move) the meeting; everyone gets a calendar invitation (an update, when moved)."""
    checkpoint = _lock_checkpoint(checkpoint)
    if checkpoint.status not in {CheckpointStatus.REQUESTED, CheckpointStatus.SCHEDULED}:
        raise JourneyError(f"This checkpoint is {checkpoint.get_status_display().lower()}, so it cannot be scheduled.")
    if starts_at <= timezone.now():
        raise JourneyError("The meeting must be in the future.")
    moving = checkpoint.status == CheckpointStatus.SCHEDULED
    before = audit.snapshot(checkpoint, ["starts_at", "duration_minutes", "location", "status"])
    checkpoint.starts_at = starts_at
    checkpoint.duration_minutes = duration_minutes
    checkpoint.location = location.strip()
    checkpoint.status = CheckpointStatus.SCHEDULED
    if moving:
        checkpoint.calendar_sequence += 1
    if not checkpoint.agenda.strip():
        from pine.journey.selectors import checkpoint_agenda

        checkpoint.agenda = checkpoint_agenda(checkpoint=checkpoint)
    checkpoint.save()
    if attendees is not None:
        checkpoint.attendees.set(attendees)
    audit.record(
        action=AuditAction.CHANGED,
        obj=checkpoint,
        actor=actor,
        changes=audit.diff(before, audit.snapshot(checkpoint, ["starts_at", "duration_minutes", "location", "status"])),
    )
    _send_calendar(checkpoint, change="moved" if moving else "booked")
    _touch(checkpoint.project)
    return checkpoint


@transaction.atomic
def checkpoint_cancel(*, actor: User, checkpoint: Checkpoint, reason: str) -> Checkpoint:
    checkpoint = _lock_checkpoint(checkpoint)
    if checkpoint.status not in {CheckpointStatus.REQUESTED, CheckpointStatus.SCHEDULED}:
        raise JourneyError("Only a requested or booked checkpoint can be cancelled.")
    was_scheduled = checkpoint.status == CheckpointStatus.SCHEDULED
    checkpoint.status = CheckpointStatus.CANCELLED
    checkpoint.calendar_sequence += 1
    checkpoint.save(update_fields=["status", "calendar_sequence"])
    stage = _lock_stage(checkpoint.stage)
    if stage.status == StageStatus.READY:
        stage.status = StageStatus.OPEN
        stage.save(update_fields=["status"])
    audit.record(
        action=AuditAction.CHANGED,
        obj=checkpoint,
        actor=actor,
        changes={"status": ["", "cancelled"], "reason": ["", reason.strip()]},
    )
    if was_scheduled:
        _send_calendar(checkpoint, change="cancelled")
    _touch(checkpoint.project)
    return checkpoint


@transaction.atomic
def checkpoint_save_agenda(*, actor: User, checkpoint: Checkpoint, agenda: str) -> Checkpoint:
    checkpoint = _lock_checkpoint(checkpoint)
    before = audit.snapshot(checkpoint, ["agenda"])
    checkpoint.agenda = agenda.strip()
    checkpoint.save(update_fields=["agenda"])
    audit.record(
        action=AuditAction.CHANGED,
        obj=checkpoint,
        actor=actor,
        changes=audit.diff(before, audit.snapshot(checkpoint, ["agenda"])),
    )
    return checkpoint


@transaction.atomic
def checkpoint_save_notes(*, actor: User, checkpoint: Checkpoint, notes: str, version: int) -> Checkpoint:
    """Save meeting notes; if someone else saved since `version`, raise NotesConflict and change nothing."""
    checkpoint = _lock_checkpoint(checkpoint)
    if checkpoint.notes_version != version:
        raise NotesConflict(checkpoint)
    before = audit.snapshot(checkpoint, ["notes"])
    checkpoint.notes = notes.strip()
    checkpoint.notes_version += 1
    checkpoint.notes_updated_by = actor
    checkpoint.notes_updated_at = timezone.now()
    checkpoint.save(update_fields=["notes", "notes_version", "notes_updated_by", "notes_updated_at"])
    audit.record(
        action=AuditAction.CHANGED,
        obj=checkpoint,
        actor=actor,
        changes=audit.diff(before, audit.snapshot(checkpoint, ["notes"])),
    )
    _touch(checkpoint.project)
    return checkpoint


class ChecksFailing(JourneyError):
    """*Proceed* while the stage's checks fail, without a reason for overriding them."""

    def __init__(self, failing: list[str]) -> None:
        super().__init__(
            "The checks of this stage's work are failing. To proceed anyway, confirm that you are overriding "
            "them and say why."
        )
        self.failing = failing


def decision_record(
    *, actor: User, checkpoint: Checkpoint, outcome: str, reasons: str, override_reason: str = ""
) -> Decision:
    """Record the checkpoint's decision. *Proceed* completes the stage and opens the next; *revise* reopens it.

    A decision follows its meeting: it is refused before the meeting's start time. *Proceed* while the stage's
    checks fail needs `override_reason`, kept on the decision with the checks that failed.
    The checkpoint row is locked, so two advisers deciding at once record one decision; the other is told.
    """
    try:
        with transaction.atomic():
            return _decide(
                actor=actor, checkpoint=checkpoint, outcome=outcome, reasons=reasons, override_reason=override_reason
            )
    except IntegrityError as exc:
        existing = Decision.objects.select_related("decided_by").filter(checkpoint=checkpoint).first()
        if existing is None:
            raise
        raise AlreadyDecided(existing) from exc


def _decide(*, actor: User, checkpoint: Checkpoint, outcome: str, reasons: str, override_reason: str) -> Decision:
    checkpoint = _lock_checkpoint(checkpoint)
    existing = Decision.objects.select_related("decided_by").filter(checkpoint=checkpoint).first()
    if existing is not None:
        raise AlreadyDecided(existing)
    if checkpoint.status != CheckpointStatus.SCHEDULED:
        raise JourneyError("A decision is recorded for a booked checkpoint meeting.")
    if not checkpoint.has_started:
        assert checkpoint.starts_at is not None
        starts = timezone.localtime(checkpoint.starts_at)
        raise JourneyError(
            "A decision can only be recorded once the meeting has started. This meeting starts on "
            f"{starts:%A} {starts.day} {starts:%B %Y} at {starts:%H:%M}."
        )
    if outcome not in DecisionOutcome.values:
        raise JourneyError("Choose proceed or revise.")
    if outcome == DecisionOutcome.REVISE and not reasons.strip():
        raise JourneyError("Say what must change before the next checkpoint.")
    stage = _lock_stage(checkpoint.stage)
    project = Project.objects.select_for_update().get(pk=checkpoint.project_id)
    failing = registry.failing_checks(stage.number, project=project)
    override = ""
    if outcome == DecisionOutcome.PROCEED and failing:
        override = override_reason.strip()
        if not override:
            raise ChecksFailing(failing)
    decision = Decision.objects.create(
        checkpoint=checkpoint,
        project=project,
        stage_number=stage.number,
        outcome=outcome,
        reasons=reasons.strip(),
        failing_checks=failing,
        override_reason=override,
        decided_by=actor,
    )
    checkpoint.status = CheckpointStatus.HELD
    checkpoint.save(update_fields=["status"])
    now = timezone.now()
    if outcome == DecisionOutcome.PROCEED:
        stage.status = StageStatus.COMPLETED
        stage.completed_at = now
        stage.save(update_fields=["status", "completed_at"])
        if stage.number < LAST:
            following = ProjectStage.objects.select_for_update().get(project=project, number=stage.number + 1)
            following.status = StageStatus.OPEN
            following.opened_at = now
            following.save(update_fields=["status", "opened_at"])
            project.current_stage = following.number
        for hook in registry.proceed_hooks(stage.number):
            hook(decision=decision, actor=actor)
    else:
        stage.status = StageStatus.OPEN
        stage.save(update_fields=["status"])
    project.last_activity_at = now
    project.save(update_fields=["current_stage", "last_activity_at"])
    audit.record(
        action=AuditAction.CREATED,
        obj=decision,
        actor=actor,
        changes={
            "outcome": ["", outcome],
            "stage": ["", stage.number],
            "reasons": ["", decision.reasons],
            **({"checks overridden": ["", "; ".join(failing)]} if override else {}),
            **({"reason for overriding the checks": ["", override]} if override else {}),
        },
    )
    for person in _team_emails(project):
        notify.queue(emails.send_checkpoint_decision, decision_id=decision.pk, recipient_id=person.pk)
    return decision


# Actions


def _check_owner(project: Project, owner: User) -> None:
    allowed = owner.pk in {project.practice_adviser_id, project.research_adviser_id} or (
        owner.memberships.filter(organisation_id=project.organisation_id).exists()
    )
    if not allowed or not owner.is_active:
        raise JourneyError(f"{owner.full_name} is not in this project's team or its advisers.")


@transaction.atomic
def action_create(
    *,
    actor: User,
    project: Project,
    description: str,
    owner: User,
    due_date: dt.date,
    checkpoint: Checkpoint | None = None,
) -> Action:
    _check_owner(project, owner)
    if due_date < timezone.localdate():
        raise JourneyError("The due date must be today or in the future.")
    action = Action(
        project=project, checkpoint=checkpoint, description=description.strip(), owner=owner, due_date=due_date
    )
    action.full_clean()
    action.save()
    audit.record(action=AuditAction.CREATED, obj=action, actor=actor, changes=audit.created_changes(action))
    if owner.pk != actor.pk:
        notify.queue(emails.send_action_email, action_id=action.pk)
    _touch(project)
    return action


@transaction.atomic
def action_set_done(*, actor: User, action: Action, done: bool) -> Action:
    action = Action.objects.select_for_update().get(pk=action.pk)
    before = audit.snapshot(action, ["status", "completed_at"])
    action.status = ActionStatus.DONE if done else ActionStatus.OPEN
    action.completed_at = timezone.now() if done else None
    action.save(update_fields=["status", "completed_at"])
    audit.record(
        action=AuditAction.CHANGED,
        obj=action,
        actor=actor,
        changes=audit.diff(before, audit.snapshot(action, ["status", "completed_at"])),
    )
    _touch(action.project)
    return action


def actions_send_reminders(*, today: dt.date | None = None) -> int:
    """Email each owner of an open action due tomorrow, once. Safe to run more than once a day."""
    today = today or timezone.localdate()
    tomorrow = today + dt.timedelta(days=1)
    sent = 0
    due = Action.objects.filter(status=ActionStatus.OPEN, due_date=tomorrow, reminder_sent_on__isnull=True)
    for action in due.select_related("owner", "project"):
        with transaction.atomic():
            claimed = Action.objects.filter(pk=action.pk, reminder_sent_on__isnull=True).update(reminder_sent_on=today)
            if not claimed or not action.owner.is_active:
                continue
            notify.queue(emails.send_action_email, action_id=action.pk, reminder=True)
            sent += 1
    return sent
