"""Importing a 100,000-row CSV (20 questions) against pandas plus a bulk insert, and response tracking at 5,000.

In a throwaway SQLite database: 100,000 participants, a 20-question rating-scale questionnaire and one wave.
The CSV mixes numbers, scale labels ("Agree"), blanks and an N/A code.

- baseline: `pandas.read_csv` of the same bytes, then `bulk_create` of the same 100,000 responses (their
  answers as read by pandas) in batches of 2,000, in one transaction;
- PINE, check: upload (read, keep encrypted) and check every cell (the preview and report);
- PINE, import: what pressing Import does: read the file again, check every row again, store it all in one
  transaction. The target is at most 3 times the baseline.

Then the response-tracking page of a wave of 5,000 participants, half of whom answered: its time and query count
(which must not grow with the number of participants).

Run: `make bench` or `PINE_ENV=test .venv/bin/python bench/collection_bench.py`; `--quick` runs it at 2,000 rows and
200 tracked participants (as the test suite does, so the benchmark cannot rot), and reports the target without
enforcing it: at that size fixed costs dominate.
"""

from __future__ import annotations

import io
import os
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("PINE_ENV", "test")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pine.settings")
os.environ["PINE_TASKS"] = "immediate"
_tmp = tempfile.mkdtemp(prefix="pine-collection-bench-")
os.environ["DATABASE_URL"] = f"sqlite:///{_tmp}/bench.sqlite3"
os.environ.setdefault("MEDIA_ROOT", f"{_tmp}/media")

import django

django.setup()

import pandas as pd
from django.core.management import call_command
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from pine.accounts.models import Membership, Organisation, User
from pine.collection import imports, services_waves
from pine.collection.models import (
    ImportStatus,
    Instrument,
    Item,
    Participant,
    Response,
    Section,
    SurveyLink,
    Wave,
)
from pine.journey import services as journey
from pine.journey.models import Project, ProjectStage, StageStatus

QUICK = "--quick" in sys.argv[1:]
ROWS, ITEMS, TRACKED = (2_000, 20, 200) if QUICK else (100_000, 20, 5_000)
AGREE = ["Strongly disagree", "Disagree", "Neither agree nor disagree", "Agree", "Strongly agree"]


def setup() -> tuple[User, Project, Instrument, Wave, bytes]:
    call_command("migrate", verbosity=0)
    organisation = Organisation.objects.create(name="Bench Borough", kind="local_authority", region="london")
    lead = User.objects.create(email="lead@bench.test", full_name="Bench Lead")
    Membership.objects.create(user=lead, organisation=organisation, role="site_lead")
    project = journey.project_create(
        actor=lead, organisation=organisation, title="Bench", initial_consultation_done=True
    )
    ProjectStage.objects.filter(project=project, number__lte=4).update(status=StageStatus.COMPLETED)
    instrument = Instrument.objects.create(project=project, name="Twenty questions")
    section = Section.objects.create(instrument=instrument, title="Questions")
    Item.objects.bulk_create(
        Item(
            instrument=instrument,
            section=section,
            code=f"q{n}",
            text=f"Question {n}",
            kind="likert",
            options=AGREE,
            position=n,
        )
        for n in range(1, ITEMS + 1)
    )
    wave = Wave.objects.create(
        project=project, name="Baseline", code="baseline", opens_on="2026-01-01", closes_on="2026-12-31"
    )
    wave.instruments.set([instrument])
    pseudonyms = services_waves.new_pseudonyms(ROWS)
    Participant.objects.bulk_create(
        (
            Participant(project=project, pseudonym=p, group="intervention" if n % 2 else "comparison")
            for n, p in enumerate(pseudonyms)
        ),
        batch_size=5000,
    )
    rng = random.Random(7)
    lines = ["participant," + ",".join(f"q{n}" for n in range(1, ITEMS + 1))]
    for pseudonym in pseudonyms:
        cells = []
        for _ in range(ITEMS):
            roll = rng.random()
            cells.append(
                ""
                if roll < 0.02
                else "N/A"
                if roll < 0.03
                else AGREE[rng.randrange(5)]
                if roll < 0.1
                else str(rng.randint(1, 5))
            )
        lines.append(pseudonym + "," + ",".join(cells))
    return lead, project, instrument, wave, ("\n".join(lines) + "\n").encode()


def baseline(instrument: Instrument, wave: Wave, data: bytes) -> float:
    ids = dict(Participant.objects.values_list("pseudonym", "pk"))
    started = time.perf_counter()
    frame = pd.read_csv(io.BytesIO(data))
    rows = frame.to_dict("records")
    with transaction.atomic():
        responses = [
            Response(
                wave=wave,
                instrument=instrument,
                participant_id=ids[row.pop("participant")],
                source="import",
                status="submitted",
                answers={k: (None if v != v else v) for k, v in row.items()},
            )
            for row in rows
        ]
        Response.objects.bulk_create(responses, batch_size=2000)
    elapsed = time.perf_counter() - started
    Response.objects.all().delete()
    return elapsed


def pine_import(lead: User, project: Project, instrument: Instrument, wave: Wave, data: bytes) -> tuple[float, float]:
    started = time.perf_counter()
    batch = imports.batch_upload(actor=lead, project=project, filename="bench.csv", data=data)
    batch = imports.batch_configure(
        actor=lead,
        batch=batch,
        instrument=instrument,
        wave=wave,
        mapping=batch.mapping,
        missing_codes=["N/A"],
        create_participants=False,
    )
    batch.refresh_from_db()
    checked = time.perf_counter() - started
    assert batch.status == ImportStatus.CHECKED, batch.problems[:3]
    started = time.perf_counter()
    batch = imports.batch_commit(actor=lead, batch=batch)
    committed = time.perf_counter() - started
    assert batch.status == ImportStatus.COMMITTED and Response.objects.count() == ROWS, batch.message
    return checked, committed


def tracking(lead: User, project: Project, instrument: Instrument) -> tuple[float, int]:
    """The tracking page for a wave in a project of 5,000 participants, half of whom answered."""
    other = journey.project_create(
        actor=lead, organisation=project.organisation, title="Tracked", initial_consultation_done=True
    )
    wave = Wave.objects.create(
        project=other, name="Follow-up", code="fu", opens_on="2026-01-01", closes_on="2026-12-31"
    )
    copy = Instrument.objects.create(project=other, name="Copy")
    wave.instruments.set([copy])
    people = Participant.objects.bulk_create(
        Participant(project=other, pseudonym=p, group="intervention") for p in services_waves.new_pseudonyms(TRACKED)
    )
    Response.objects.bulk_create(
        Response(wave=wave, instrument=copy, participant=p, source="import", status="submitted") for p in people[::2]
    )
    SurveyLink.objects.bulk_create(
        SurveyLink(wave=wave, participant=p, salt=p.pseudonym, token_hash=p.pseudonym) for p in people
    )
    client = Client()
    client.force_login(lead)
    url = reverse("collection:wave", kwargs={"pk": other.pk, "wave": wave.pk})
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        response = client.get(url)
        elapsed = time.perf_counter() - started
    assert response.status_code == 200
    return elapsed, len(queries)


def main() -> int:
    lead, project, instrument, wave, data = setup()
    base = baseline(instrument, wave, data)
    checked, committed = pine_import(lead, project, instrument, wave, data)
    page, queries = tracking(lead, project, instrument)
    ratio = committed / base
    print(f"\nImporting {ROWS:,} rows x {ITEMS} questions ({len(data) / 1e6:.1f} MB CSV); SQLite, one run")
    print(f"{'measure':58} {'seconds':>9} {'x baseline':>11}")
    print(f"{'baseline: pandas.read_csv + bulk insert':58} {base:9.2f} {1:11.2f}")
    print(f"{'PINE check (upload, read, check every cell, preview)':58} {checked:9.2f} {checked / base:11.2f}")
    print(f"{'PINE import (read, check again, store in one transaction)':58} {committed:9.2f} {ratio:11.2f}")
    print(f"{'PINE check + import together':58} {checked + committed:9.2f} {(checked + committed) / base:11.2f}")
    print(f"{f'response tracking page, wave of {TRACKED:,} ({queries} queries)':58} {page:9.2f} {'':>11}")
    print(f"\nImport target: at most 3x the baseline: {'met' if ratio <= 3 else 'NOT met'} ({ratio:.2f}x)")
    return 0 if ratio <= 3 or QUICK else 1


if __name__ == "__main__":
    sys.exit(main())
