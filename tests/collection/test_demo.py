"""The demo's data collection: Hartwell at stage 5 with a questionnaire, 60 social workers, an imported baseline
and an open follow-up with answers missing; loading it twice changes nothing; the answers are reproducible."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from pine.collection import selectors
from pine.collection.models import ImportBatch, Instrument, Participant, Response, Wave
from pine.core.models import AuditEvent

pytestmark = pytest.mark.django_db


def _answers() -> list[tuple[str, dict[str, int]]]:
    rows = Response.objects.filter(wave__code="fu3", status="submitted").order_by("participant__created_at", "pk")
    return [(r.participant.cluster, r.answers) for r in rows.select_related("participant")]


def test_the_demo_has_hartwells_data_collection_and_loads_once() -> None:
    call_command("demo_data")
    counts = (Participant.objects.count(), Response.objects.count(), AuditEvent.objects.count())
    call_command("demo_data")
    assert counts == (Participant.objects.count(), Response.objects.count(), AuditEvent.objects.count())

    instrument = Instrument.objects.get(name="Skills and confidence questionnaire")
    assert instrument.project.organisation.name == "London Borough of Hartwell"
    assert instrument.items.count() == 10 and instrument.subscales.count() == 2
    people = Participant.objects.filter(project=instrument.project)
    assert people.count() == 60
    assert people.filter(group="intervention").count() == 30 and people.filter(group="comparison").count() == 30
    assert ImportBatch.objects.get(project=instrument.project).status == "committed"
    baseline, follow_up = Wave.objects.filter(project=instrument.project).order_by("position")
    assert baseline.status == "Closed" and follow_up.status == "Open"
    tracking = selectors.tracking(wave=follow_up)
    everyone = tracking.rates[-1]
    assert 30 < everyone.submitted < 60  # some answers still missing
    assert tracking.counts["Started"] > 0 and tracking.linkage[0][1] > 20


def test_the_demo_answers_are_reproducible() -> None:
    call_command("demo_data")
    first = _answers()
    Response.objects.all().delete()
    ImportBatch.objects.all().delete()
    Wave.objects.all().delete()
    Participant.objects.all().delete()
    Instrument.objects.all().delete()
    call_command("demo_data")
    assert _answers() == first
