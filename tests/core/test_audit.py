"""The audit log records sign-ins and changes, cannot be altered, and the programme manager can read it."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from django.db import DatabaseError, connection, transaction
from django.urls import reverse

from pine.core import audit
from pine.core.models import AuditAction, AuditEvent
from tests.conftest import World
from tests.factories import PASSWORD, OrganisationFactory, UserFactory


@pytest.mark.django_db
def test_events_cannot_be_changed_or_deleted_through_the_application() -> None:
    event = audit.record(action=AuditAction.CREATED, actor_label="someone")
    event.object_repr = "tampered"
    with pytest.raises(PermissionError):
        event.save()
    with pytest.raises(PermissionError):
        event.delete()
    with pytest.raises(PermissionError):
        AuditEvent.objects.filter(pk=event.pk).update(object_repr="tampered")
    with pytest.raises(PermissionError):
        AuditEvent.objects.all().delete()


@pytest.mark.django_db(transaction=True)
def test_the_database_itself_refuses_to_change_an_event() -> None:
    event = audit.record(action=AuditAction.CREATED, actor_label="someone")
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE core_auditevent SET object_repr = 'tampered' WHERE id = %s", [event.pk])
    if connection.vendor == "postgresql":
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("DELETE FROM core_auditevent WHERE id = %s", [event.pk])
    assert AuditEvent.objects.get(pk=event.pk).object_repr == ""


@pytest.mark.django_db
def test_sign_in_and_failed_sign_in_are_recorded_with_the_address(client: Any) -> None:
    user = UserFactory(email="lead@a.test")
    client.post(reverse("accounts:sign-in"), {"username": "lead@a.test", "password": "wrong"}, REMOTE_ADDR="10.1.2.3")
    client.post(reverse("accounts:sign-in"), {"username": "lead@a.test", "password": PASSWORD}, REMOTE_ADDR="10.1.2.3")
    failed = AuditEvent.objects.get(action=AuditAction.SIGN_IN_FAILED)
    assert failed.actor_label == "lead@a.test" and failed.ip_address == "10.1.2.3"
    assert "wrong" not in str(failed.changes)
    signed_in = AuditEvent.objects.get(action=AuditAction.SIGN_IN)
    assert signed_in.actor == user and signed_in.ip_address == "10.1.2.3"


@pytest.mark.django_db
def test_changes_record_before_and_after_but_never_identifying_values() -> None:
    """A person's name, email address and phone number are logged as changed, never with their values."""
    user = UserFactory(phone="07700 900 111", full_name="Before Name")
    before = audit.snapshot(user)
    user.full_name = "After Name"
    user.phone = "07700 900 222"
    user.email = "after@example.org"
    user.is_active = False
    changes = audit.diff(before, audit.snapshot(user))
    assert changes["full_name"] == ["(changed)", "(changed)"]
    assert changes["email"] == ["(changed)", "(changed)"]
    assert changes["phone"] == ["(changed)", "(changed)"]
    assert changes["is_active"] == [True, False]
    assert "07700" not in str(changes) and "Name" not in str(changes) and "after@" not in str(changes)


def test_the_manager_filters_the_log_by_person_organisation_and_date(world: World, client_as: Any) -> None:
    manager = world.users["programme_manager"]
    audit.record(action=AuditAction.CHANGED, obj=world.org_a, actor=manager)
    audit.record(action=AuditAction.CHANGED, obj=world.org_b, actor=world.users["other_site_lead"])
    client = client_as("programme_manager")
    page = client.get(reverse("core:audit-log"), {"organisation": world.org_a.pk})
    assert page.status_code == 200
    events = list(page.context["page"])
    assert events and all(e.organisation_id == world.org_a.pk for e in events)
    page = client.get(reverse("core:audit-log"), {"person": "LEAD@B"})
    assert {e.actor_id for e in page.context["page"]} == {world.users["other_site_lead"].pk}
    page = client.get(reverse("core:audit-log"), {"date_from": "2001-01-01", "date_to": "2001-01-02"})
    assert list(page.context["page"]) == []


def test_bad_filters_get_specific_messages(world: World, client_as: Any) -> None:
    client = client_as("programme_manager")
    page = client.get(reverse("core:audit-log"), {"date_from": "31/02/2026", "organisation": "99999"})
    content = page.content.decode()
    assert "From date must be a real date" in content
    assert "Select an organisation from the list" in content
    page = client.get(reverse("core:audit-log"), {"date_from": "2026-03-02", "date_to": "2026-03-01"})
    assert "To date must be the same as or after from date" in page.content.decode()
    page = client.get(reverse("core:audit-export"), {"date_from": "not a date"})
    assert page.status_code == 400


def test_the_log_exports_as_csv_with_formulas_neutralised_and_the_export_is_audited(
    world: World, client_as: Any
) -> None:
    audit.record(action=AuditAction.SIGN_IN_FAILED, actor_label='=HYPERLINK("http://evil")')
    response = client_as("programme_manager").get(reverse("core:audit-export"))
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(body)))
    assert rows[0][:4] == ["When (UTC)", "Person", "Person id", "What happened"]
    labels = [row[1] for row in rows[1:]]
    assert '\'=HYPERLINK("http://evil")' in labels
    assert AuditEvent.objects.filter(action=AuditAction.EXPORTED, actor=world.users["programme_manager"]).exists()


def test_the_audit_log_page_has_a_constant_number_of_queries(
    world: World, client_as: Any, django_assert_max_num_queries: Any
) -> None:
    for index in range(40):
        organisation = OrganisationFactory()
        audit.record(
            action=AuditAction.CREATED,
            obj=organisation,
            actor=world.users["programme_manager"],
            changes={"i": [0, index]},
        )
    client = client_as("programme_manager")
    with django_assert_max_num_queries(15):
        assert client.get(reverse("core:audit-log")).status_code == 200
