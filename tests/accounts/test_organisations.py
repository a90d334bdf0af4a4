"""The programme manager adds and changes organisations; everyone sees only what they may."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from pine.accounts.models import Organisation
from pine.core import policy
from pine.core.models import AuditAction, AuditEvent
from pine.core.policy import Action
from tests.conftest import World
from tests.factories import MembershipFactory, OrganisationFactory


def test_the_manager_adds_an_organisation_and_it_is_audited(world: World, client_as: Any) -> None:
    response = client_as("programme_manager").post(
        reverse("accounts:organisation-create"),
        {"name": "  Brightpath Charity ", "kind": "charity", "region": "north_west"},
    )
    organisation = Organisation.objects.get(name="Brightpath Charity")
    assert response["Location"] == organisation.get_absolute_url()
    event = AuditEvent.objects.get(
        action=AuditAction.CREATED, object_type="accounts.Organisation", object_id=str(organisation.pk)
    )
    assert event.changes["name"] == [None, "Brightpath Charity"]
    assert event.organisation_id == organisation.pk


def test_changes_to_an_organisation_record_before_and_after(world: World, client_as: Any) -> None:
    client_as("programme_manager").post(
        reverse("accounts:organisation-edit", kwargs={"pk": world.org_a.pk}),
        {"name": "Hartwell Borough", "kind": "local_authority", "region": "south_east"},
    )
    event = AuditEvent.objects.get(
        action=AuditAction.CHANGED, object_type="accounts.Organisation", object_id=str(world.org_a.pk)
    )
    assert event.changes == {"region": ["london", "south_east"]}


def test_bad_organisation_input_gets_specific_messages(world: World, client_as: Any) -> None:
    client = client_as("programme_manager")
    response = client.post(reverse("accounts:organisation-create"), {"name": "", "kind": "castle", "region": ""})
    content = response.content.decode()
    assert "Enter the organisation&#x27;s name" in content
    assert "Select the type of organisation" in content
    assert "Select the region" in content
    duplicate = client.post(
        reverse("accounts:organisation-create"), {"name": "Hartwell Borough", "kind": "charity", "region": "east"}
    )
    assert "An organisation with this name already exists" in duplicate.content.decode()
    too_long = client.post(
        reverse("accounts:organisation-create"), {"name": "N" * 201, "kind": "charity", "region": "east"}
    )
    assert "Organisation name must be 200 characters or fewer" in too_long.content.decode()
    assert Organisation.objects.count() == 2


def test_site_people_see_their_own_organisation_and_not_another(world: World, client_as: Any) -> None:
    lead = client_as("site_lead")
    home = lead.get(reverse("core:home")).content.decode()
    assert "Hartwell Borough" in home and "Other County" not in home
    assert lead.get(reverse("accounts:organisation-detail", kwargs={"pk": world.org_b.pk})).status_code == 404
    assert lead.get(reverse("accounts:organisation-detail", kwargs={"pk": 987654})).status_code == 404


def test_the_organisation_list_has_a_constant_number_of_queries(
    world: World, client_as: Any, django_assert_max_num_queries: Any
) -> None:
    for _ in range(30):
        MembershipFactory(organisation=OrganisationFactory())
    client = client_as("programme_manager")
    with django_assert_max_num_queries(12):
        response = client.get(reverse("accounts:organisation-list"))
    assert response.content.decode().count("govuk-table__row") == Organisation.objects.count() + 1
    with django_assert_max_num_queries(12):
        client.get(reverse("core:home"))


def test_only_the_manager_assigned_advisers_and_site_lead_see_an_organisations_contacts(
    world: World, client_as: Any
) -> None:
    """Names and emails on an organisation's page are for the manager, its projects' advisers and its site lead."""
    url = reverse("accounts:organisation-detail", kwargs={"pk": world.org_a.pk})
    member = world.users["site_member"]
    for role, sees in {
        "programme_manager": True,
        "practice_adviser": True,
        "research_adviser": True,
        "site_lead": True,
        "other_adviser": False,
        "site_member": False,
        "dpo": False,
    }.items():
        response = client_as(role)
        page = response.get(url)
        assert page.status_code == 200, role
        text = page.content.decode()
        assert (member.email in text) is sees, role
        assert (member.full_name in text) is sees, role
        if not sees:
            assert "3 people have joined" in text, role


def test_the_contacts_rule_follows_adviser_assignment_without_http(world: World) -> None:
    """An adviser sees an organisation's contacts only while assigned to one of its projects."""
    adviser = world.users["other_adviser"]
    adviser.is_verified = lambda: True  # type: ignore[method-assign]
    assert not policy.can(adviser, Action.VIEW_ORGANISATION_CONTACTS, world.org_a)
    world.project.research_adviser = adviser
    world.project.save(update_fields=["research_adviser"])
    assert policy.can(adviser, Action.VIEW_ORGANISATION_CONTACTS, world.org_a)
    assert not policy.can(adviser, Action.VIEW_ORGANISATION_CONTACTS, world.org_b)
