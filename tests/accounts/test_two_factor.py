"""Programme staff see nothing until they have passed two-factor authentication."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from pine.core import policy
from pine.core.policy import Action
from tests.factories import PASSWORD, UserFactory


def code(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


@pytest.mark.django_db
def test_staff_without_an_authenticator_must_set_one_up_before_anything_else(client: Client) -> None:
    UserFactory(email="adviser@pine.test", programme_role="practice_adviser")
    client.post("/sign-in/", {"username": "adviser@pine.test", "password": PASSWORD})
    response = client.get(reverse("accounts:organisation-list"))
    assert response["Location"] == reverse("accounts:two-factor-setup")
    setup = client.get(reverse("accounts:two-factor-setup"))
    assert "<svg" in setup.content.decode()  # the QR code, drawn inline without script or inline style
    device = TOTPDevice.objects.get(user__email="adviser@pine.test", confirmed=False)
    assert client.post(reverse("accounts:two-factor-setup"), {"token": "12345"}).status_code == 200
    done = client.post(reverse("accounts:two-factor-setup"), {"token": code(device)})
    assert done["Location"] == reverse("core:home")
    device.refresh_from_db()
    assert device.confirmed
    assert client.get(reverse("accounts:organisation-list")).status_code == 200


@pytest.mark.django_db
def test_staff_with_an_authenticator_enter_a_code_and_return_where_they_were_going(client: Client) -> None:
    user = UserFactory(email="pm@pine.test", programme_role="programme_manager")
    device = TOTPDevice.objects.create(user=user, name="app", confirmed=True)
    client.post("/sign-in/", {"username": "pm@pine.test", "password": PASSWORD})
    response = client.get("/team/audit/")
    assert response["Location"] == "/two-factor/?next=%2Fteam%2Faudit%2F"
    wrong = client.post("/two-factor/?next=/team/audit/", {"token": "abcdef", "next": "/team/audit/"})
    assert "The code must be 6 digits" in wrong.content.decode()
    right = client.post("/two-factor/", {"token": code(device), "next": "/team/audit/"})
    assert right["Location"] == "/team/audit/"


@pytest.mark.django_db
def test_the_policy_itself_denies_unverified_staff(rf: Any) -> None:
    """Even if a view forgot the middleware, the policy refuses staff who have not passed two-factor."""
    user = UserFactory(programme_role="programme_manager")
    user.is_verified = lambda: False
    assert not policy.can(user, Action.VIEW_PROGRAMME)
    assert not policy.can(user, Action.VIEW_AUDIT)
    assert policy.can(user, Action.USE_TWO_FACTOR)
    user.is_verified = lambda: True
    assert policy.can(user, Action.VIEW_AUDIT)
