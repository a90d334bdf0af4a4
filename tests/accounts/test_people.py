"""The programme manager looks after people's accounts: deactivation and resetting two-factor."""

from __future__ import annotations

from typing import Any

from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from pine.accounts.models import User
from pine.core.models import AuditAction, AuditEvent
from tests.conftest import World
from tests.factories import PASSWORD, MembershipFactory


def action_url(pk: int, action: str) -> str:
    return reverse("accounts:person-action", kwargs={"pk": pk, "action": action})


def test_a_deactivated_person_is_signed_out_and_cannot_sign_in(world: World, client_as: Any) -> None:
    member = world.users["site_member"]
    member_client = client_as("site_member")
    assert member_client.get(reverse("core:home")).status_code == 200
    response = client_as("programme_manager").post(action_url(member.pk, "deactivate"))
    assert response.status_code == 302
    assert member_client.get(reverse("core:home")).status_code == 302  # signed out at the next request
    signed_in = Client().post("/sign-in/", {"username": member.email, "password": PASSWORD})
    assert "Enter a correct email address and password" in signed_in.content.decode()
    assert AuditEvent.objects.get(
        action=AuditAction.CHANGED, object_type="accounts.User", object_id=str(member.pk)
    ).changes == {"is_active": [True, False]}
    client_as("programme_manager").post(action_url(member.pk, "reactivate"))
    assert Client().post("/sign-in/", {"username": member.email, "password": PASSWORD}).status_code == 302


def test_resetting_two_factor_removes_the_authenticator(world: World, client_as: Any) -> None:
    adviser = world.users["practice_adviser"]
    client_as("programme_manager").post(action_url(adviser.pk, "reset-two-factor"))
    assert not TOTPDevice.objects.filter(user=adviser).exists()
    assert AuditEvent.objects.filter(object_id=str(adviser.pk), changes__two_factor=["set up", "reset"]).exists()


def test_a_manager_cannot_deactivate_themselves_and_unknown_actions_are_not_found(world: World, client_as: Any) -> None:
    manager = world.users["programme_manager"]
    client = client_as("programme_manager")
    assert client.post(action_url(manager.pk, "deactivate")).status_code == 403
    assert client.post(action_url(world.users["site_member"].pk, "delete-everything")).status_code == 404
    assert client.post(action_url(987654, "deactivate")).status_code == 404
    manager.refresh_from_db()
    assert manager.is_active


def test_the_people_list_filters_by_organisation_with_few_queries(
    world: World, client_as: Any, django_assert_max_num_queries: Any
) -> None:
    for _ in range(60):
        MembershipFactory(organisation=world.org_b)
    client = client_as("programme_manager")
    with django_assert_max_num_queries(12):
        everyone = client.get(reverse("accounts:people-list"))
    assert everyone.context["page"].paginator.count == User.objects.count() == 9 + 60
    only_a = client.get(reverse("accounts:people-list"), {"organisation": world.org_a.pk})
    assert {p.email for p in only_a.context["page"]} == {"site_lead@a.test", "site_member@a.test", "dpo@a.test"}
    searched = client.get(reverse("accounts:people-list"), {"search": "LEAD@"})
    assert {p.email for p in searched.context["page"]} == {"site_lead@a.test", "lead@b.test"}
    bad = client.get(reverse("accounts:people-list"), {"organisation": "abc"})
    assert "Select an organisation from the list" in bad.content.decode()
