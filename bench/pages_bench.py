"""How long PINE's busiest pages take, beside the plainest Django response, in the same run.

Builds a programme of 300 organisations, 3,000 people and 20,000 audit events in a throwaway SQLite database,
then times each page through Django's test client (no network): the programme manager's home and organisation
list, the people list, the audit log, and a site lead's home. The baseline is a bare view returning a short
HttpResponse through the same middleware stack, so each ratio shows what the page itself costs. It also prints
each page's query count, which must not grow with the data (no N+1).

Run: `make bench` or `PINE_ENV=test .venv/bin/python bench/pages_bench.py`; `--quick` builds 20 organisations and
500 events and repeats each request 3 times (as the test suite does, so the benchmark cannot rot).
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("PINE_ENV", "test")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pine.settings")
_tmp = tempfile.mkdtemp(prefix="pine-bench-")
os.environ["DATABASE_URL"] = f"sqlite:///{_tmp}/bench.sqlite3"

import django

django.setup()

from django.contrib.auth.hashers import make_password
from django.core.management import call_command
from django.db import connection
from django.http import HttpResponse
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings
from django.urls import path
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from pine.accounts.models import Membership, Organisation, User
from pine.core import policy
from pine.core.models import AuditAction, AuditEvent

QUICK = "--quick" in sys.argv[1:]
ORGANISATIONS, PEOPLE_PER_ORGANISATION, EVENTS = (20, 10, 500) if QUICK else (300, 10, 20_000)
REPEATS = 3 if QUICK else 30


@policy.public
def plain(request: object) -> HttpResponse:
    return HttpResponse("ok")


urlpatterns = [path("bench-plain/", plain)]


def build() -> tuple[User, User]:
    call_command("migrate", verbosity=0)
    password = make_password("bench-password-123")
    organisations = Organisation.objects.bulk_create(
        Organisation(name=f"Organisation {i}", kind="local_authority", region="london") for i in range(ORGANISATIONS)
    )
    users = User.objects.bulk_create(
        User(email=f"p{i}@bench.test", full_name=f"Person {i}", password=password)
        for i in range(ORGANISATIONS * PEOPLE_PER_ORGANISATION)
    )
    Membership.objects.bulk_create(
        Membership(
            user=user,
            organisation=organisations[i // PEOPLE_PER_ORGANISATION],
            role="site_lead" if i % PEOPLE_PER_ORGANISATION == 0 else "site_member",
        )
        for i, user in enumerate(users)
    )
    manager = User.objects.create(
        email="pm@bench.test", full_name="Manager", password=password, programme_role="programme_manager"
    )
    TOTPDevice.objects.create(user=manager, name="app", confirmed=True)
    AuditEvent.objects.bulk_create(
        AuditEvent(
            actor=users[i % len(users)],
            actor_label=users[i % len(users)].email,
            action=AuditAction.SIGN_IN,
            object_type="accounts.User",
            object_id=str(users[i % len(users)].pk),
            ip_address="10.0.0.1",
            organisation=organisations[i % ORGANISATIONS],
        )
        for i in range(EVENTS)
    )
    return manager, users[0]


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    device = TOTPDevice.objects.filter(user=user).first()
    if device:
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
    return client


def time_page(client: Client, url: str) -> tuple[float, int]:
    assert client.get(url).status_code == 200, url
    samples = []
    for _ in range(REPEATS):
        start = time.perf_counter()
        client.get(url)
        samples.append(time.perf_counter() - start)
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    return statistics.median(samples), len(queries)


def main() -> None:
    manager, lead = build()
    pm, site = signed_in(manager), signed_in(lead)
    with override_settings(ROOT_URLCONF=__name__):
        baseline, base_queries = time_page(pm, "/bench-plain/")
    rows = [("plain HttpResponse (baseline)", baseline, base_queries)]
    pages = [
        (f"programme home ({ORGANISATIONS:,} organisations)", pm, "/home/"),
        (f"organisation list ({ORGANISATIONS:,})", pm, "/team/organisations/"),
        (f"people list ({ORGANISATIONS * PEOPLE_PER_ORGANISATION + 1:,})", pm, "/team/people/"),
        (f"audit log, page 1 of {EVENTS:,} events", pm, "/team/audit/"),
        ("site lead home", site, "/home/"),
    ]
    for label, client, url in pages:
        median, queries = time_page(client, url)
        rows.append((label, median, queries))
    print(f"\nPINE pages, median of {REPEATS} requests each (SQLite, in-process test client)\n")
    print(f"{'page':40} {'median ms':>10} {'ratio':>8} {'queries':>8}")
    for label, median, queries in rows:
        print(f"{label:40} {median * 1000:10.2f} {median / baseline:8.1f} {queries:8d}")


if __name__ == "__main__":
    main()
