"""Email tasks for projects: each takes ids only and builds its message when it runs (see core/notify.py).

A task whose rows have gone, or whose recipient has left, sends nothing."""

from __future__ import annotations

from django.utils import timezone
from django_tasks import task

from pine.accounts.models import User
from pine.core import notify
from pine.core.calendar import attachment
from pine.journey.calendar import checkpoint_calendar
from pine.journey.models import Action, ActionStatus, Checkpoint, CheckpointStatus, Decision, Project

CALENDAR_SUBJECTS = {
    "booked": "Booked: {label} for {title}",
    "moved": "Moved: {label} for {title}",
    "cancelled": "Cancelled: {label} for {title}",
    # For one person when the project's advisers change: the invitation for a new adviser, a cancellation for
    # a removed one (for them alone: the meeting goes ahead).
    "joined": "Invitation: {label} for {title}",
    "uninvited": "No longer invited: {label} for {title}",
}


def _recipient(user_id: int) -> User | None:
    return User.objects.filter(pk=user_id, is_active=True).first()


@task()
def send_checkpoint_requested(*, checkpoint_id: int, recipient_id: int) -> None:
    checkpoint = Checkpoint.objects.select_related("project__organisation", "stage", "requested_by").filter(
        pk=checkpoint_id
    )
    found, recipient = checkpoint.first(), _recipient(recipient_id)
    if found is None or recipient is None:
        notify.skipped("checkpoint requested", checkpoint_id=checkpoint_id, recipient_id=recipient_id)
        return
    notify.deliver(
        to=recipient.email,
        subject=f"Checkpoint requested: {found.project.title}",
        body=notify.render_email(
            "email/checkpoint_requested.txt",
            {"checkpoint": found, "recipient": recipient, "requester": found.requested_by},
        ),
    )


@task()
def send_checkpoint_calendar(*, checkpoint_id: int, recipient_id: int, change: str) -> None:
    """A checkpoint's calendar invitation: `change` is booked, moved or cancelled."""
    checkpoint = Checkpoint.objects.select_related("project", "stage").filter(pk=checkpoint_id).first()
    recipient = _recipient(recipient_id)
    if checkpoint is None or recipient is None or checkpoint.starts_at is None or change not in CALENDAR_SUBJECTS:
        notify.skipped("checkpoint calendar", checkpoint_id=checkpoint_id, recipient_id=recipient_id)
        return
    cancelled = change in {"cancelled", "uninvited"}
    uninvited = change == "uninvited"
    invitation = checkpoint_calendar(checkpoint, cancelled=cancelled, attendees=[recipient] if uninvited else None)
    notify.deliver(
        to=recipient.email,
        subject=CALENDAR_SUBJECTS[change].format(label=checkpoint.label, title=checkpoint.project.title),
        body=notify.render_email(
            "email/checkpoint_calendar.txt",
            {
                "checkpoint": checkpoint,
                "recipient": recipient,
                "cancelled": cancelled,
                "uninvited": uninvited,
                "joined": change == "joined",
            },
        ),
        attachments=[attachment(invitation, cancelled=cancelled)],
    )


@task()
def send_advisers_changed(*, project_id: int, recipient_id: int, removed: bool, added: bool) -> None:
    """Who a project's advisers now are, and the checkpoints still to come (which a removed adviser has left and a
    new one has joined)."""
    project = Project.objects.select_related("organisation", "practice_adviser", "research_adviser").filter(
        pk=project_id
    )
    found, recipient = project.first(), _recipient(recipient_id)
    if found is None or recipient is None:
        notify.skipped("advisers changed", project_id=project_id, recipient_id=recipient_id)
        return
    now = timezone.now()
    live = found.checkpoints.filter(status__in=[CheckpointStatus.REQUESTED, CheckpointStatus.SCHEDULED])
    checkpoints = [
        c
        for c in live.select_related("stage").order_by("pk")
        if c.status == CheckpointStatus.REQUESTED or (c.starts_at is not None and c.starts_at > now)
    ]
    notify.deliver(
        to=recipient.email,
        subject=f"Advisers changed: {found.title}",
        body=notify.render_email(
            "email/advisers_changed.txt",
            {"project": found, "recipient": recipient, "removed": removed, "added": added, "checkpoints": checkpoints},
        ),
    )


@task()
def send_checkpoint_decision(*, decision_id: int, recipient_id: int) -> None:
    decision = Decision.objects.select_related("project", "checkpoint__stage", "decided_by").filter(pk=decision_id)
    found, recipient = decision.first(), _recipient(recipient_id)
    if found is None or recipient is None:
        notify.skipped("checkpoint decision", decision_id=decision_id, recipient_id=recipient_id)
        return
    notify.deliver(
        to=recipient.email,
        subject=f"Checkpoint decision: {found.project.title}",
        body=notify.render_email(
            "email/checkpoint_decision.txt",
            {"decision": found, "recipient": recipient, "stage": found.checkpoint.stage},
        ),
    )


@task()
def send_action_email(*, action_id: int, reminder: bool = False) -> None:
    """A new action for its owner, or (`reminder`) a reminder that it is due tomorrow, unless it is done by now."""
    action = Action.objects.select_related("project", "owner").filter(pk=action_id).first()
    if action is None or action.owner is None or not action.owner.is_active or action.status != ActionStatus.OPEN:
        notify.skipped("action", action_id=action_id)
        return
    if reminder:
        subject = f"Due tomorrow: {action.description[:60]}"
        template = "email/action_reminder.txt"
    else:
        subject = f"New action for you: {action.project.title}"
        template = "email/action_assigned.txt"
    notify.deliver(
        to=action.owner.email,
        subject=subject,
        body=notify.render_email(template, {"action": action, "recipient": action.owner}),
    )
