"""Projects for tests, made through the services so every rule and audit event applies."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from pine.accounts.models import Organisation, User
from pine.journey import services
from pine.journey.models import Action, Checkpoint, Project, ProjectMember, ProjectStage


def make_project(
    *,
    organisation: Organisation,
    practice_adviser: User,
    research_adviser: User,
    lead: User,
    title: str = "Thematic practice weeks",
) -> tuple[Project, Checkpoint, ProjectMember, Action]:
    """A project in stage 2 with its checkpoint booked for next week, a team member and an open action."""
    project = services.project_create(
        actor=practice_adviser,
        organisation=organisation,
        title=title,
        practice_adviser=practice_adviser,
        research_adviser=research_adviser,
        initial_consultation_done=True,
    )
    member = services.project_member_add(actor=lead, project=project, user=lead, role="project_lead")
    stage = ProjectStage.objects.get(project=project, number=2)
    services.stage_save_summary(actor=lead, stage=stage, summary="Our theory of change, version 1.", version=0)
    soon = timezone.now() + dt.timedelta(days=7)
    checkpoint = services.checkpoint_request(actor=lead, stage=stage, proposed_times=[soon])
    checkpoint = services.checkpoint_schedule(
        actor=practice_adviser,
        checkpoint=checkpoint,
        starts_at=soon,
        duration_minutes=60,
        location="Hartwell Town Hall, room 2",
    )
    action = services.action_create(
        actor=practice_adviser,
        project=project,
        checkpoint=checkpoint,
        description="Send the draft theory of change",
        owner=lead,
        due_date=timezone.localdate() + dt.timedelta(days=3),
    )
    return project, checkpoint, member, action


def meeting_started(checkpoint: Checkpoint, *, minutes_ago: int = 60) -> Checkpoint:
    """Move a booked meeting's start into the past, as if it had been held: a decision may only follow it."""
    started = timezone.now() - dt.timedelta(minutes=minutes_ago)
    Checkpoint.objects.filter(pk=checkpoint.pk).update(starts_at=started)
    checkpoint.starts_at = started
    return checkpoint
