"""A submitted response is never changed by another path: survey links (personal and open), save-and-come-back,
the API and imports. Every change to a response is audited, and the API's late data into a closed wave is kept,
flagged and audited. The locking tests run on PostgreSQL (set DATABASE_URL)."""

from __future__ import annotations

import datetime as dt
import json
import threading
import time
from typing import Any

import pytest
from django.db import connection, transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from pine.collection import survey
from pine.collection.models import (
    Participant,
    Response,
    ResponseSource,
    ResponseStatus,
    SurveyLink,
    Wave,
)
from pine.collection.services import CollectionError
from pine.core.models import AuditEvent
from tests.collection.factories import answer_link, make_participants, open_gate
from tests.conftest import World

pytestmark = pytest.mark.django_db

IMPORTED = {"q1": 1, "q2": 1, "q3": 1, "q4": 1}


def _api_post(world: World, rows: list[dict[str, Any]], wave: str = "baseline") -> Any:
    collection = world.collection
    assert collection is not None
    body = {"instrument": collection.instrument.pk, "wave": wave, "rows": rows}
    return Client().post(
        f"/api/v1/projects/{world.project.pk}/responses",
        json.dumps(body),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {collection.api_key}",
    )


def _link(world: World) -> SurveyLink:
    assert world.collection is not None
    return SurveyLink.objects.get(participant=world.collection.participant, wave=world.collection.wave)


@pytest.fixture
def sent_by_api(world: World) -> Response:
    """The world's participant's baseline answers, already sent by the case system through the API."""
    open_gate(world.project)
    assert world.collection is not None
    response = _api_post(world, [{"participant": world.collection.participant.pseudonym, "answers": IMPORTED}])
    assert response.status_code == 201
    return Response.objects.get(participant=world.collection.participant)


def test_a_personal_link_shows_already_answered_and_never_prefills_answers_sent_another_way(
    world: World, sent_by_api: Response
) -> None:
    """A personal link whose participant's answers came by API or import shows 'already answered' on every page."""
    assert world.collection is not None
    token, client = world.collection.link_token, Client()
    for url in (
        reverse("collection:respond", kwargs={"token": token}),
        reverse("collection:respond-page", kwargs={"token": token, "number": 1}),
        reverse("collection:respond-check", kwargs={"token": token}),
    ):
        page = client.get(url)
        text = page.content.decode()
        assert page.status_code == 410 and "You have already answered" in text, url
        assert "Hartwell Borough already has your answers" in text
        assert 'type="radio"' not in text and "checked" not in text  # nothing pre-filled, no form at all
    posted = client.post(
        reverse("collection:respond-page", kwargs={"token": token, "number": 1}),
        {"q1": "5", "q2": "5", "q3": "5", "q4": "5"},
    )
    assert posted.status_code == 410 and "You have already answered" in posted.content.decode()
    assert client.post(reverse("collection:respond-check", kwargs={"token": token})).status_code == 410
    sent_by_api.refresh_from_db()
    assert sent_by_api.answers == IMPORTED and sent_by_api.source == ResponseSource.API
    assert not AuditEvent.objects.filter(object_type="collection.Response", actor_label=survey.RESPONDENT).exists()


def test_the_link_services_refuse_to_change_a_response_submitted_by_import(world: World) -> None:
    """page_save and submit refuse a participant whose response for the wave was imported, whatever its source."""
    open_gate(world.project)
    assert world.collection is not None
    imported = Response.objects.create(
        wave=world.collection.wave,
        instrument=world.collection.instrument,
        participant=world.collection.participant,
        source=ResponseSource.IMPORT,
        status=ResponseStatus.SUBMITTED,
        answers=IMPORTED,
        submitted_at=timezone.now(),
    )
    link = _link(world)
    first = survey.pages(wave=link.wave)[0]
    assert survey.link_state(link) == survey.ALREADY_ANSWERED
    assert survey.responses_of(link=link) == {}  # nothing to pre-fill
    with pytest.raises(CollectionError, match="already been sent"):
        survey.page_save(link=link, page=first, answers={"q1": 5, "q2": 5, "q3": 5, "q4": 5})
    with pytest.raises(CollectionError, match="already been sent"):
        survey.submit(link=link)
    imported.refresh_from_db()
    assert imported.answers == IMPORTED and imported.status == ResponseStatus.SUBMITTED


def test_the_api_never_replaces_answers_sent_by_a_survey_link(world: World) -> None:
    """Answers sent through a link are refused by the API as a duplicate, and stay as the respondent sent them."""
    open_gate(world.project)
    assert world.collection is not None
    answer_link(_link(world), {"q1": 4, "q2": 5, "q3": 3, "q4": 2, "years": 6, "role": 1})
    refused = _api_post(world, [{"participant": world.collection.participant.pseudonym, "answers": IMPORTED}])
    assert refused.status_code == 422 and "already has this participant's answers" in json.dumps(refused.json())
    stored = Response.objects.get(participant=world.collection.participant)
    assert stored.answers["q1"] == 4 and stored.source == ResponseSource.LINK


def test_every_page_saved_through_a_link_is_audited_without_the_answers(world: World) -> None:
    """Each page saved (created, then changed) leaves an audit entry naming the questions, never the answers."""
    open_gate(world.project)
    link = _link(world)
    first = survey.pages(wave=link.wave)[0]
    response = survey.page_save(link=link, page=first, answers={"q1": 4, "q2": 5})
    survey.page_save(link=link, page=first, answers={"q1": 2, "q2": 5})
    survey.page_save(link=link, page=first, answers={"q1": 2, "q2": 5})  # nothing changed: nothing recorded
    survey.submit(link=link)
    events = list(
        AuditEvent.objects.filter(object_type="collection.Response", object_id=str(response.pk)).order_by("pk")
    )
    assert [e.action for e in events] == ["created", "changed", "changed"]
    assert all(e.actor_label == survey.RESPONDENT for e in events)
    assert events[0].changes["questions"] == ["", "q1, q2"] and events[1].changes["questions"] == ["", "q1"]
    assert events[2].changes["status"] == ["Started", "Submitted"]
    assert "4" not in json.dumps([e.changes["questions"] for e in events[:2]])


def test_an_open_link_respondent_cannot_change_answers_once_sent(world: World) -> None:
    """On an open link, a respondent's sent answers cannot be changed by saving again with the same key."""
    open_gate(world.project)
    assert world.collection is not None
    link = survey.open_link_create(actor=world.users["site_lead"], wave=world.collection.wave)
    first, second = survey.pages(wave=link.wave)
    survey.page_save(link=link, page=first, answers={"q1": 4, "q2": 5, "q3": 3, "q4": 2}, respondent_key="k1")
    survey.page_save(link=link, page=second, answers={"years": 6, "role": 1}, respondent_key="k1")
    (sent,) = survey.submit(link=link, respondent_key="k1")
    assert survey.responses_of(link=link, respondent_key="k1") == {}
    with pytest.raises(CollectionError, match="already been sent"):
        survey.page_save(link=link, page=first, answers={"q1": 1}, respondent_key="k1")
    with pytest.raises(CollectionError, match="already been sent"):
        survey.submit(link=link, respondent_key="k1")
    survey.page_save(link=link, page=first, answers={"q1": 1}, respondent_key="k2")  # someone else may answer
    sent.refresh_from_db()
    assert sent.answers["q1"] == 4 and sent.status == ResponseStatus.SUBMITTED


def test_the_api_keeps_answers_for_a_closed_wave_as_late_data_and_audits_them(world: World) -> None:
    """A closed wave takes answers through the API: each is flagged late and the audit log says so."""
    open_gate(world.project)
    assert world.collection is not None
    Wave.objects.filter(pk=world.collection.wave.pk).update(closes_on=timezone.localdate() - dt.timedelta(days=1))
    people = make_participants(project=world.project, count=2)
    link = survey.link_for(wave=Wave.objects.get(pk=world.collection.wave.pk), participant=people[0])
    assert "has closed" in survey.link_state(link)  # links may not write into a closed wave
    response = _api_post(world, [{"participant": p.pseudonym, "answers": IMPORTED} for p in people])
    assert response.status_code == 201 and response.json() == {"stored": 2, "participants_added": 0, "late": 2}
    assert list(Response.objects.filter(participant__in=people).values_list("late", flat=True)) == [True, True]
    event = AuditEvent.objects.get(changes__has_key="late data")
    assert event.changes["late data"] == [0, 2] and event.actor_label.startswith("API key Case system")
    # Answers for an open wave are not late.
    Wave.objects.filter(pk=world.collection.wave.pk).update(closes_on=timezone.localdate())
    (third,) = make_participants(project=world.project, count=1)
    assert _api_post(world, [{"participant": third.pseudonym, "answers": IMPORTED}]).json()["late"] == 0
    assert Response.objects.get(participant=third).late is False


# Two writers at once (PostgreSQL: SQLite has one writer at a time, so there is nothing to race)


def _needs_postgres() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("row locks are tested on PostgreSQL (set DATABASE_URL)")


def _wait_until_another_waits_for_a_lock(outcome: list[Any]) -> None:
    """Wait (up to 20 s) until another session of this database is waiting for a row lock held here."""
    for _ in range(200):
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_stat_clear_snapshot()")  # else the view is read once per transaction
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                "AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()"
            )
            if cursor.fetchone()[0]:
                return
        time.sleep(0.1)
    pytest.fail(f"the other writer never waited for the lock: {outcome}")


def _in_thread(target: Any) -> tuple[threading.Thread, list[Any]]:
    outcome: list[Any] = []

    def run() -> None:
        try:
            outcome.append(target())
        except Exception as problem:  # noqa: BLE001 - the test inspects what went wrong
            outcome.append(problem)
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    return thread, outcome


@pytest.mark.django_db(transaction=True)
def test_a_link_waits_for_an_api_write_in_progress_and_then_refuses(world: World) -> None:
    """While the API is storing a participant's answers, their link waits, then says they are already answered."""
    _needs_postgres()
    open_gate(world.project)
    assert world.collection is not None
    link, participant = _link(world), world.collection.participant
    first = survey.pages(wave=link.wave)[0]
    with transaction.atomic():
        # What the API does: lock the participant, then store their submitted response.
        Participant.objects.select_for_update().get(pk=participant.pk)
        Response.objects.create(
            wave=world.collection.wave,
            instrument=world.collection.instrument,
            participant=participant,
            source=ResponseSource.API,
            status=ResponseStatus.SUBMITTED,
            answers=IMPORTED,
            submitted_at=timezone.now(),
        )
        thread, outcome = _in_thread(
            lambda: survey.page_save(link=link, page=first, answers={"q1": 5, "q2": 5, "q3": 5, "q4": 5})
        )
        _wait_until_another_waits_for_a_lock(outcome)  # the link waits for the participant's row
        assert thread.is_alive() and not outcome
    thread.join(10)
    assert len(outcome) == 1 and isinstance(outcome[0], CollectionError), outcome
    assert Response.objects.get(participant=participant).answers == IMPORTED


@pytest.mark.django_db(transaction=True)
def test_the_api_waits_for_a_link_saving_answers_and_then_refuses_a_duplicate(world: World) -> None:
    """While a link saves a participant's answers, the API waits, then refuses the row as a duplicate (no 500)."""
    _needs_postgres()
    open_gate(world.project)
    assert world.collection is not None
    link, participant = _link(world), world.collection.participant
    first = survey.pages(wave=link.wave)[0]
    with transaction.atomic():
        survey.page_save(link=link, page=first, answers={"q1": 4, "q2": 5, "q3": 3, "q4": 2})
        thread, outcome = _in_thread(
            lambda: _api_post(world, [{"participant": participant.pseudonym, "answers": IMPORTED}])
        )
        _wait_until_another_waits_for_a_lock(outcome)
        assert thread.is_alive() and not outcome
    thread.join(10)
    assert len(outcome) == 1 and getattr(outcome[0], "status_code", None) == 422, outcome
    stored = Response.objects.get(participant=participant)
    assert stored.answers["q1"] == 4 and stored.source == ResponseSource.LINK


def test_no_one_is_emailed_or_reminded_to_answer_what_they_answered_another_way(world: World) -> None:
    """Sending and reminders skip a participant whose answers for the wave came by API or import."""
    from django.core import mail

    from tests.collection.factories import with_identifiers

    open_gate(world.project)
    assert world.collection is not None
    (waiting,) = make_participants(project=world.project, count=1)
    with_identifiers(waiting, email="waiting@example.org")
    assert (
        _api_post(world, [{"participant": world.collection.participant.pseudonym, "answers": IMPORTED}]).status_code
        == 201
    )
    mail.outbox.clear()
    wave = Wave.objects.get(pk=world.collection.wave.pk)
    assert survey.links_send(actor=world.users["site_lead"], wave=wave).sent == 1
    assert [m.to[0] for m in mail.outbox] == ["waiting@example.org"]  # not jamie@example.org, already answered
    SurveyLink.objects.filter(wave=wave).update(sent_at=timezone.now() - dt.timedelta(days=8))
    mail.outbox.clear()
    assert survey.links_remind(actor=world.users["site_lead"], wave=wave).sent == 1
    assert [m.to[0] for m in mail.outbox] == ["waiting@example.org"]


def test_the_links_list_says_answered_for_answers_sent_by_api(world: World, client_as: Any) -> None:
    """The wave's links CSV marks a participant answered when their answers came by API, not only by the link."""
    import csv
    import io

    open_gate(world.project)
    assert world.collection is not None
    assert (
        _api_post(world, [{"participant": world.collection.participant.pseudonym, "answers": IMPORTED}]).status_code
        == 201
    )
    url = reverse("collection:wave-links", kwargs={"pk": world.project.pk, "wave": world.collection.wave.pk})
    response = client_as("site_lead").get(url)
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert {r["participant"]: r["answered"] for r in rows} == {world.collection.participant.pseudonym: "yes"}
