"""The email task queue holds ids, never personal data; tasks build messages when they run; old rows still run;
finished rows are pruned."""

from __future__ import annotations

import datetime as dt
import json
import re
from io import StringIO
from typing import Any

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from pine.accounts import services as accounts
from pine.collection import survey
from pine.collection.models import Participant
from pine.intake import services as intake
from pine.journey import services as journey
from pine.journey.models import ProjectStage
from tests.collection.factories import open_gate
from tests.conftest import World
from tests.intake.factories import book, make_proposal
from tests.journey.factories import meeting_started

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.backend.DatabaseBackend"}}


def _run_queued() -> None:
    """Run every queued task as `pine worker` would, in the order queued."""
    for row in DBTaskResult.objects.order_by("enqueued_at"):
        row.task.call(*row.args_kwargs["args"], **row.args_kwargs["kwargs"])


def _enqueue_every_kind_of_email(world: World) -> None:
    manager, adviser, lead = (world.users[r] for r in ("programme_manager", "practice_adviser", "site_lead"))
    # accounts: an invitation
    accounts.invitation_create(
        actor=manager,
        email="new.person@a.test",
        full_name="Nadia Newperson",
        organisation=world.org_a,
        site_role="site_member",
    )
    # intake: received, draft link, question, consultation booked and cancelled, declined
    proposal = make_proposal()
    intake.draft_save(email="drafter@example.org", answers={"organisation": {"organisation_name": "X"}})
    intake.proposal_request_information(actor=manager, proposal=proposal, question="How many fathers?")
    consultation = book(proposal, actor=manager, advisers=[adviser])
    intake.consultation_cancel(actor=manager, consultation=consultation)
    intake.proposal_decline(actor=manager, proposal=proposal, reason="Out of scope", message="Dear Jo, not now.")
    # journey: checkpoint requested, booked, moved, cancelled, decided; action assigned and reminded
    stage = ProjectStage.objects.get(project=world.project, number=3)
    ProjectStage.objects.filter(pk=stage.pk).update(status="open")
    soon = timezone.now() + dt.timedelta(days=9)
    checkpoint = journey.checkpoint_request(actor=lead, stage=stage, proposed_times=[soon])
    checkpoint = journey.checkpoint_schedule(
        actor=adviser, checkpoint=checkpoint, starts_at=soon, duration_minutes=60, location="Room 1"
    )
    journey.checkpoint_schedule(
        actor=adviser, checkpoint=checkpoint, starts_at=soon, duration_minutes=90, location="Room 2"
    )
    journey.decision_record(
        actor=adviser, checkpoint=meeting_started(world.checkpoint), outcome="revise", reasons="More detail."
    )
    journey.checkpoint_cancel(actor=adviser, checkpoint=checkpoint, reason="Clash")
    action = journey.action_create(
        actor=adviser,
        project=world.project,
        description="Send it",
        owner=lead,
        due_date=timezone.localdate() + dt.timedelta(days=1),
    )
    journey.actions_send_reminders()
    assert action.pk
    # journey: the advisers change (the removed one leaves the booked meeting, the new one joins it)
    journey.project_advisers_change(
        actor=manager,
        project=world.project,
        practice_adviser=world.users["other_adviser"],
        research_adviser=world.project.research_adviser,
    )
    # collection: a survey link and a reminder
    assert world.collection is not None
    open_gate(world.project)
    survey.links_send(actor=lead, wave=world.collection.wave)
    survey.links_remind(actor=lead, wave=world.collection.wave)


def test_queued_email_tasks_hold_only_ids_and_flags(world: World, settings: Any) -> None:
    """Every kind of email waits in the task table as ids and flags: no address, name, link, token or text."""
    settings.TASKS = DATABASE_TASKS
    DBTaskResult.objects.all().delete()
    mail.outbox.clear()
    _enqueue_every_kind_of_email(world)
    rows = list(DBTaskResult.objects.all())
    paths = {row.task_path for row in rows}
    assert paths == {
        "pine.accounts.emails.send_invitation",
        "pine.intake.emails.send_proposal_email",
        "pine.intake.emails.send_draft_link",
        "pine.intake.emails.send_information_request",
        "pine.intake.emails.send_consultation_email",
        "pine.journey.emails.send_checkpoint_requested",
        "pine.journey.emails.send_checkpoint_calendar",
        "pine.journey.emails.send_checkpoint_decision",
        "pine.journey.emails.send_action_email",
        "pine.journey.emails.send_advisers_changed",
        "pine.collection.survey.send_survey_link",
    }
    for row in rows:
        assert row.args_kwargs["args"] == []
        for name, value in row.args_kwargs["kwargs"].items():
            assert isinstance(value, int | bool) or re.fullmatch(r"[a-z_]+", value), (row.task_path, name, value)
    stored = json.dumps([row.args_kwargs for row in rows])
    for personal in ("@", "Nadia", "Jamie", "Jo", "fathers", "/join/", "/respond/", "http", "Room"):
        assert personal not in stored
    assert mail.outbox == []


def test_queued_email_tasks_build_and_send_the_messages(world: World, settings: Any) -> None:
    """Run by a worker, the queued tasks send every message, with working single-use links made at send time."""
    settings.TASKS = DATABASE_TASKS
    DBTaskResult.objects.all().delete()
    mail.outbox.clear()
    _enqueue_every_kind_of_email(world)
    _run_queued()
    to = {address for message in mail.outbox for address in message.to}
    assert {"new.person@a.test", "drafter@example.org", "jamie@example.org", "site_lead@a.test"} <= to
    invitation = next(m for m in mail.outbox if m.to == ["new.person@a.test"])
    token = re.search(r"/join/([^/\s]+)/", invitation.body).group(1)  # type: ignore[union-attr]
    assert accounts.invitation_for_token(token=token) is not None
    question = next(m for m in mail.outbox if "A question about" in m.subject)
    token = re.search(r"/proposals/answer/([^/\s]+)/", question.body).group(1)  # type: ignore[union-attr]
    request = intake.information_request_for_token(token=token)
    assert request is not None and token not in request.proposal.emails.get(subject=question.subject).body
    calendars = [m for m in mail.outbox if m.attachments]
    assert any(m.subject.startswith("Cancelled: Checkpoint") for m in calendars)
    assert any(m.subject.startswith("Advisers changed:") for m in mail.outbox)
    assert any("initial consultation" in m.attachments[0][1] for m in calendars)


def test_an_email_task_for_a_deleted_participant_sends_nothing(world: World, settings: Any) -> None:
    """A survey link queued for a participant deleted before the worker ran is dropped, not sent or failed."""
    settings.TASKS = DATABASE_TASKS
    assert world.collection is not None
    open_gate(world.project)
    DBTaskResult.objects.all().delete()
    mail.outbox.clear()
    survey.links_send(actor=world.users["site_lead"], wave=world.collection.wave)
    Participant.objects.filter(pk=world.collection.participant.pk).delete()
    _run_queued()
    assert mail.outbox == []


def test_an_invitation_withdrawn_before_sending_sends_nothing(world: World, settings: Any) -> None:
    """An invitation revoked while its email waits is not sent, so no working link goes out."""
    settings.TASKS = DATABASE_TASKS
    DBTaskResult.objects.all().delete()
    mail.outbox.clear()
    manager = world.users["programme_manager"]
    invitation = accounts.invitation_create(
        actor=manager, email="late@a.test", full_name="Late", organisation=world.org_a, site_role="site_member"
    )
    accounts.invitation_revoke(actor=manager, invitation=invitation)
    _run_queued()
    assert mail.outbox == []


def test_a_task_queued_under_the_old_signature_still_sends(settings: Any, db: Any) -> None:
    """Rows queued before this change (`deliver_email` with the message) still run from the old task path."""
    from pine.core.notify import deliver_email

    settings.TASKS = DATABASE_TASKS
    mail.outbox.clear()
    deliver_email.enqueue(to="old@example.org", subject="Old", body="Queued before the upgrade", attachments=[])
    _run_queued()
    assert [m.to for m in mail.outbox] == [["old@example.org"]]


def test_queue_refuses_personal_data_as_task_arguments(db: Any) -> None:
    """notify.queue refuses an address or free text as an argument, so a future email cannot leak by mistake."""
    from pine.accounts.emails import send_invitation
    from pine.core import notify

    with pytest.raises(TypeError):
        notify.queue(send_invitation, invitation_id="someone@example.org")
    with pytest.raises(TypeError):
        notify.queue(send_invitation, invitation_id=["Jo Carter"])  # type: ignore[arg-type]


def test_prune_tasks_deletes_finished_rows_older_than_the_retention(settings: Any, db: Any) -> None:
    """`pine prune-tasks` deletes finished task rows older than the setting, and keeps recent or waiting ones."""
    from pine.core.notify import deliver_email

    settings.TASKS = DATABASE_TASKS
    for subject in ("old", "recent", "waiting"):
        deliver_email.enqueue(to="x@example.org", subject=subject, body="b")
    now = timezone.now()
    DBTaskResult.objects.filter(args_kwargs__kwargs__subject="old").update(
        status="SUCCESSFUL", finished_at=now - dt.timedelta(days=8)
    )
    DBTaskResult.objects.filter(args_kwargs__kwargs__subject="recent").update(
        status="FAILED", finished_at=now - dt.timedelta(days=1)
    )
    out = StringIO()
    call_command("prune_tasks", stdout=out)
    left = sorted(r.args_kwargs["kwargs"]["subject"] for r in DBTaskResult.objects.all())
    assert left == ["recent", "waiting"] and "Deleted 1 finished task" in out.getvalue()
