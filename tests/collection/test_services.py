"""Data collection's rules, tested without HTTP: questionnaires and versions, waves and the gate, participants
and their identifiers, survey links, answers, reminders and response tracking."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from pine.collection import scoring, selectors, services, services_waves, survey
from pine.collection.models import (
    Instrument,
    Item,
    Participant,
    Response,
    ResponseStatus,
    SurveyLink,
)
from pine.collection.services import CollectionError
from pine.core.models import AuditEvent, RateCounter
from tests.collection.factories import (
    answer_link,
    make_instrument,
    make_participants,
    make_wave,
    open_gate,
    with_identifiers,
)
from tests.conftest import World

pytestmark = pytest.mark.django_db

ANSWERS = {"q1": 4, "q2": 5, "q3": 3, "q4": 2, "years": 6, "role": 1}


@pytest.fixture
def site(world: World) -> dict[str, Any]:
    open_gate(world.project)
    return {"project": world.project, "lead": world.users["site_lead"], "world": world}


# Questionnaires


def test_a_questionnaire_from_a_free_measure_brings_its_items(site: dict[str, Any]) -> None:
    from pine.modelling.models import Measure

    measure = Measure.objects.create(
        name="Practice confidence",
        measures_what="Confidence",
        completed_by="practitioner",
        scoring="Sum",
        licence="Free",
        cost="None",
        source="PINE",
        items_text="I am confident\n- I know the law\n\nI ask for help",
    )
    instrument = services.instrument_create(
        actor=site["lead"], project=site["project"], name="From plan", measure=measure
    )
    assert instrument.measure == measure
    assert list(instrument.items.values_list("code", "text", "kind")) == [
        ("q1", "I am confident", "likert"),
        ("q2", "I know the law", "likert"),
        ("q3", "I ask for help", "likert"),
    ]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"kind": "likert", "options": ["a", "b", "c"]}, "between 4 and 11 points"),
        ({"kind": "likert", "options": [str(n) for n in range(12)]}, "between 4 and 11 points"),
        ({"kind": "single", "options": ["Only one"]}, "at least 2 options"),
        ({"kind": "number", "minimum": 10, "maximum": 5}, "less than the highest"),
        ({"kind": "number", "reverse_scored": True}, "lowest and highest"),
        ({"kind": "short_text", "code": "1st"}, "must start with a letter"),
        ({"kind": "short_text", "code": "q1"}, "already has the short name q1"),
    ],
)
def test_questions_are_checked_before_they_are_saved(site: dict[str, Any], data: dict[str, Any], message: str) -> None:
    instrument = make_instrument(project=site["project"], actor=site["lead"])
    section = instrument.sections.first()
    assert section is not None
    with pytest.raises(CollectionError, match=message):
        services.item_save(actor=site["lead"], section=section, data={"code": "new", "text": "Q", **data})


def test_likert_scales_of_4_to_11_points_are_allowed(site: dict[str, Any]) -> None:
    instrument = make_instrument(project=site["project"], actor=site["lead"])
    section = instrument.sections.first()
    assert section is not None
    for points in (4, 11):
        item = services.item_save(
            actor=site["lead"],
            section=section,
            data={"code": f"p{points}", "text": "Q", "kind": "likert", "options": [f"L{n}" for n in range(points)]},
        )
        assert item.scale_range == (1.0, float(points))


def test_a_version_in_use_cannot_change_and_a_new_version_copies_it(site: dict[str, Any]) -> None:
    instrument = make_instrument(project=site["project"], actor=site["lead"])
    make_wave(project=site["project"], instruments=[instrument], code="w1")  # opened: the version is in use
    assert services.instrument_is_locked(instrument=instrument)
    item = instrument.items.get(code="q1")
    with pytest.raises(CollectionError, match="in use"):
        services.item_save(actor=site["lead"], section=item.section, item=item, data={"text": "Changed"})
    with pytest.raises(CollectionError, match="in use"):
        services.instrument_update(actor=site["lead"], instrument=instrument, data={"name": "Renamed"})

    copy = services.instrument_new_version(actor=site["lead"], instrument=instrument, change_note="Clearer q1")
    assert (copy.version, copy.family, copy.change_note) == (2, instrument.family, "Clearer q1")
    assert list(copy.items.values_list("code", flat=True)) == list(instrument.items.values_list("code", flat=True))
    assert list(copy.subscales.get().items.values_list("code", flat=True)) == ["q1", "q2"]
    assert not services.instrument_is_locked(instrument=copy)
    services.item_save(
        actor=site["lead"],
        section=copy.items.get(code="q1").section,
        item=copy.items.get(code="q1"),
        data={"text": "Changed"},
    )
    assert instrument.items.get(code="q1").text == "I feel confident assessing risk"


def test_scoring_rules_come_from_the_questionnaire(site: dict[str, Any]) -> None:
    instrument = Instrument.objects.prefetch_related("items", "subscales__items").get(
        pk=make_instrument(project=site["project"], actor=site["lead"]).pk
    )
    rules = {rule.code: rule for rule in scoring.rules_for(instrument)}
    assert rules["total"].items == ("q1", "q2", "q3", "q4") and rules["total"].needed == 3
    assert rules["confidence"].items == ("q1", "q2") and rules["confidence"].method == "mean"
    items = {i.code: i for i in instrument.items.all()}
    assert scoring.scores(scoring.rules_for(instrument), items, ANSWERS) == {"total": 16.0, "confidence": 4.5}


# Waves and the gate


def test_a_wave_cannot_open_before_the_data_protection_checkpoint_proceeds(world: World) -> None:
    lead = world.users["site_lead"]
    instrument = make_instrument(project=world.project, actor=lead)
    wave = make_wave(project=world.project, instruments=[instrument], code="w2", opened=False)
    with pytest.raises(CollectionError, match="data protection and ethics checkpoint"):
        services_waves.wave_open(actor=lead, wave=wave)
    open_gate(world.project)
    services_waves.wave_open(actor=lead, wave=wave)
    assert wave.opened_at is not None and wave.accepting


def test_a_wave_needs_questionnaires_with_questions_and_sensible_dates(site: dict[str, Any]) -> None:
    empty = Instrument.objects.create(project=site["project"], name="Empty")
    today = timezone.localdate()
    with pytest.raises(CollectionError, match="closing date"):
        services_waves.wave_save(
            actor=site["lead"],
            project=site["project"],
            name="W",
            code="w",
            opens_on=today,
            closes_on=today - dt.timedelta(days=1),
            instruments=[empty],
        )
    wave = services_waves.wave_save(
        actor=site["lead"],
        project=site["project"],
        name="W",
        code="w",
        opens_on=today,
        closes_on=today,
        instruments=[empty],
    )
    with pytest.raises(CollectionError, match="Add questions to Empty"):
        services_waves.wave_open(actor=site["lead"], wave=wave)


# Participants and identifiers


def test_participants_get_random_pseudonyms(site: dict[str, Any]) -> None:
    people = services_waves.participants_add_many(
        actor=site["lead"], project=site["project"], count=50, group="comparison", cluster="East"
    )
    pseudonyms = [p.pseudonym for p in people]
    assert len(set(pseudonyms)) == 50
    assert all(re.fullmatch(r"P-[2-9A-HJKMNP-TV-Z]{5}", p) for p in pseudonyms)


def test_identifiers_are_encrypted_at_rest_and_found_only_by_exact_value(site: dict[str, Any]) -> None:
    participant = services_waves.participant_create(
        actor=site["lead"],
        project=site["project"],
        group="intervention",
        identifiers={
            "name": "Alex Morgan",
            "email": "alex@example.org",
            "case_number": "HC-12345",
            "date_of_birth": dt.date(2014, 3, 27),
        },
    )
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT name, email, case_number, date_of_birth FROM collection_participant WHERE id = %s", [participant.pk]
        )
        stored = " ".join(cursor.fetchone())
    for secret in ("Alex", "alex@example.org", "HC-12345", "2014"):
        assert secret not in stored
    fresh = Participant.objects.get(pk=participant.pk)
    assert (fresh.name, fresh.date_of_birth) == ("Alex Morgan", "2014-03-27")

    def found(query: str, identifiers: bool = True) -> list[str]:
        rows = selectors.participants(project=site["project"], query=query, identifiers=identifiers)
        return [p.pseudonym for p in rows]

    assert found("alex morgan") == [participant.pseudonym]  # case and spaces do not matter
    assert found(" HC-12345 ") == [participant.pseudonym]
    assert found("27/03/2014") == [participant.pseudonym]
    assert found("Alex") == []  # exact values only
    assert found("Alex Morgan", identifiers=False) == []  # only the lead and the DPO may search by identifiers
    assert found(participant.pseudonym.lower(), identifiers=False) == [participant.pseudonym]


def test_the_audit_log_never_holds_identifying_values_or_their_hashes(site: dict[str, Any]) -> None:
    participant = services_waves.participant_create(
        actor=site["lead"], project=site["project"], identifiers={"name": "Alex Morgan", "case_number": "HC-12345"}
    )
    services_waves.participant_set_identifiers(
        actor=site["lead"], participant=participant, identifiers={"name": "Alex Smith"}
    )
    services_waves.participant_delete(actor=site["lead"], participant=participant)
    events = AuditEvent.objects.filter(object_type="collection.Participant")
    assert events.count() == 3
    logged = " ".join(f"{e.object_repr} {e.changes}" for e in events)
    assert "Alex" not in logged and "HC-12345" not in logged and participant.name_hash not in logged
    assert participant.pseudonym in logged
    assert events.get(action="changed").changes == {"name": ["(changed)", "(changed)"]}


# Survey links and answers


def test_links_are_unguessable_stored_only_as_hashes_and_stable_for_reminders(site: dict[str, Any]) -> None:
    instrument = make_instrument(project=site["project"], actor=site["lead"])
    wave = make_wave(project=site["project"], instruments=[instrument], code="w9")
    (person,) = make_participants(project=site["project"], count=1)
    link = survey.link_for(wave=wave, participant=person)
    token = survey.link_token(link)
    assert len(token) == 40
    assert token not in str(SurveyLink.objects.filter(pk=link.pk).values().get())
    assert survey.link_token(SurveyLink.objects.get(pk=link.pk)) == token  # the same link in every reminder
    assert survey.link_lookup(token=token) == link
    assert survey.link_lookup(token=token[:-1] + ("0" if token[-1] != "0" else "1")) is None


def test_answers_are_saved_page_by_page_and_cannot_change_once_sent(site: dict[str, Any]) -> None:
    world = site["world"]
    link = SurveyLink.objects.get(participant=world.collection.participant, wave=world.collection.wave)
    first, second = survey.pages(wave=link.wave)
    survey.page_save(link=link, page=first, answers={"q1": 4, "q2": 5})
    survey.page_save(link=link, page=first, answers={"q1": 3, "q2": 5, "q3": 3, "q4": 2})  # coming back, changing q1
    survey.page_save(link=link, page=second, answers={"years": 6, "role": 1})
    response = Response.objects.get(participant=world.collection.participant)
    assert response.answers == {"q1": 3, "q2": 5, "q3": 3, "q4": 2, "years": 6, "role": 1}
    assert response.status == ResponseStatus.IN_PROGRESS
    survey.submit(link=link)
    link.refresh_from_db()
    response.refresh_from_db()
    assert response.status == ResponseStatus.SUBMITTED and link.submitted_at is not None
    with pytest.raises(CollectionError, match="already been sent"):
        survey.page_save(link=link, page=first, answers={"q1": 1})
    with pytest.raises(CollectionError, match="already been sent"):
        survey.submit(link=link)
    assert Response.objects.get(pk=response.pk).answers["q1"] == 3


def test_links_of_closed_or_unopened_waves_explain_themselves(site: dict[str, Any]) -> None:
    instrument = make_instrument(project=site["project"], actor=site["lead"])
    (person,) = make_participants(project=site["project"], count=1)
    later = make_wave(project=site["project"], instruments=[instrument], code="later", opened=False)
    assert "not open yet" in survey.link_state(survey.link_for(wave=later, participant=person))
    closed = make_wave(project=site["project"], instruments=[instrument], code="closed")
    closed.closes_on = timezone.localdate() - dt.timedelta(days=1)
    closed.save()
    assert "has closed" in survey.link_state(survey.link_for(wave=closed, participant=person))


def test_sending_emails_only_those_with_an_address_and_consent(site: dict[str, Any]) -> None:
    instrument = make_instrument(project=site["project"], actor=site["lead"])
    wave = make_wave(project=site["project"], instruments=[instrument], code="w3")
    people = make_participants(project=site["project"], count=3)
    with_identifiers(people[0], email="a@example.org")
    with_identifiers(people[1], email="b@example.org")
    Participant.objects.filter(pk=people[1].pk).update(consent="withdrawn")
    mail.outbox.clear()
    result = survey.links_send(actor=site["lead"], wave=wave)
    # The world's own participant (with an email) is in the project too.
    assert result.sent == 2
    sent_to = sorted(m.to[0] for m in mail.outbox)
    assert sent_to == ["a@example.org", "jamie@example.org"]
    message = next(m for m in mail.outbox if m.to == ["a@example.org"])
    token = survey.link_token(survey.link_for(wave=wave, participant=people[0]))
    assert token in message.body and people[0].pseudonym not in message.body
    assert survey.links_send(actor=site["lead"], wave=wave).sent == 0  # already sent


def test_reminders_go_to_those_who_have_not_answered_once_per_interval(site: dict[str, Any]) -> None:
    instrument = make_instrument(project=site["project"], actor=site["lead"])
    wave = make_wave(project=site["project"], instruments=[instrument], code="w4")
    wave.reminder_every_days = 7
    wave.save()
    done, waiting = make_participants(project=site["project"], count=2)
    for person, email in ((done, "done@example.org"), (waiting, "waiting@example.org")):
        with_identifiers(person, email=email)
    survey.links_send(actor=site["lead"], wave=wave)
    answer_link(survey.link_for(wave=wave, participant=done), ANSWERS)
    mail.outbox.clear()
    assert survey.reminders_due() == 0  # too soon
    SurveyLink.objects.filter(wave=wave).update(sent_at=timezone.now() - dt.timedelta(days=8))
    assert survey.reminders_due() == 2  # the world's participant and `waiting`
    assert "waiting@example.org" in [m.to[0] for m in mail.outbox]
    assert "done@example.org" not in [m.to[0] for m in mail.outbox]
    assert mail.outbox[-1].subject.startswith("Reminder:")
    assert survey.reminders_due() == 0  # reminded just now
    one = survey.links_remind(actor=site["lead"], wave=wave, participants=[waiting])
    assert one.sent == 1


def test_guessing_links_is_limited_per_address(site: dict[str, Any]) -> None:
    """After the limit of failed look-ups one address is refused, another is not, and no address is stored."""
    for _ in range(survey.GUESS_LIMIT.count):
        assert survey.guess_check(address="192.0.2.1").allowed
        survey.record_failed_guess(address="192.0.2.1")
    assert not survey.guess_check(address="192.0.2.1").allowed
    assert survey.guess_check(address="198.51.100.2").allowed
    assert not RateCounter.objects.filter(key_hash__contains="192.0.2").exists()


# Response tracking


def test_tracking_links_answers_across_waves_by_pseudonym_with_rates_per_group(site: dict[str, Any]) -> None:
    project, lead = site["project"], site["lead"]
    instrument = make_instrument(project=project, actor=lead)
    baseline = make_wave(project=project, instruments=[instrument], code="b", name="Before", position=10)
    follow = make_wave(project=project, instruments=[instrument], code="f", name="After", position=11)
    treated = make_participants(project=project, count=4, group="intervention")
    compared = make_participants(project=project, count=2, group="comparison", cluster="East")
    for person in [*treated, *compared]:
        answer_link(survey.link_for(wave=baseline, participant=person), ANSWERS)
    for person in [treated[0], treated[1], compared[0]]:
        answer_link(survey.link_for(wave=follow, participant=person), ANSWERS)
    survey.page_save(
        link=survey.link_for(wave=follow, participant=treated[2]), page=survey.pages(wave=follow)[0], answers={"q1": 1}
    )

    tracking = selectors.tracking(wave=follow)
    rates = {r.label: (r.invited, r.submitted, r.percent) for r in tracking.rates}
    # The world's own participant is in the intervention group too, and has not answered.
    assert rates["Intervention"] == (5, 2, 40)
    assert rates["Comparison"] == (2, 1, 50)
    assert rates["Everyone"] == (7, 3, 43)
    assert tracking.linkage[-1] == ("Before", 3)
    statuses = {r.pseudonym: r.status for r in tracking.rows}
    assert statuses[treated[2].pseudonym] == "Started" and statuses[treated[3].pseudonym] == "Not started"
    row = next(r for r in tracking.rows if r.pseudonym == treated[0].pseudonym)
    assert row.earlier[-1] is True


def test_tracking_a_wave_of_5000_people_takes_a_fixed_number_of_queries(site: dict[str, Any]) -> None:
    project = site["project"]
    instrument = make_instrument(project=project, actor=site["lead"])
    wave = make_wave(project=project, instruments=[instrument], code="big", position=20)
    Participant.objects.bulk_create(
        Participant(project=project, pseudonym=p, group="intervention" if n % 2 else "comparison")
        for n, p in enumerate(services_waves.new_pseudonyms(5000))
    )
    survey.links_ensure(wave=wave)
    people = list(Participant.objects.filter(project=project)[:2500])
    Response.objects.bulk_create(
        Response(wave=wave, instrument=instrument, participant=p, source="import", status="submitted", answers={})
        for p in people
    )
    with CaptureQueriesContext(connection) as queries:
        tracking = selectors.tracking(wave=wave)
    assert len(tracking.rows) == 5001
    assert len(queries) <= 6
    assert tracking.rates[-1].submitted == 2500


def test_items_are_ordered_by_page_then_position(site: dict[str, Any]) -> None:
    instrument = make_instrument(project=site["project"], actor=site["lead"])
    codes = list(Item.objects.filter(instrument=instrument).values_list("code", flat=True))
    assert codes[:4] == ["q1", "q2", "q3", "q4"] and codes[-1] == "comment"
    item = instrument.items.get(code="q2")
    services.item_move(actor=site["lead"], item=item, up=True)
    assert list(instrument.sections.first().items.values_list("code", flat=True))[:2] == ["q2", "q1"]  # type: ignore[union-attr]


def test_the_survey_reminders_command_sends_what_is_due(site: dict[str, Any], capsys: Any) -> None:
    from django.core.management import call_command

    instrument = make_instrument(project=site["project"], actor=site["lead"])
    wave = make_wave(project=site["project"], instruments=[instrument], code="w7")
    wave.reminder_every_days = 3
    wave.save()
    survey.links_send(actor=site["lead"], wave=wave)
    SurveyLink.objects.filter(wave=wave).update(sent_at=timezone.now() - dt.timedelta(days=4))
    call_command("survey_reminders")
    assert "1 survey reminder sent." in capsys.readouterr().out
