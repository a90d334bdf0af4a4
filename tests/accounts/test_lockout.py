"""The sign-in lockout behind a load balancer: one client's failures lock only that client out of that account,
case changes in the email address are counted as the same account, and guessing from many addresses is capped."""

from __future__ import annotations

from typing import Any

import pytest
from axes.models import AccessAttempt
from django.core import mail
from django.test import Client
from django.urls import reverse

from pine.core.models import AuditEvent
from tests.factories import PASSWORD, UserFactory

SIGN_IN = "/sign-in/"
BALANCER = "10.0.0.1"


@pytest.fixture
def behind_proxy(settings: Any) -> Any:
    settings.PINE_BEHIND_PROXY = True
    settings.PINE_TRUSTED_PROXIES = [BALANCER]
    return settings


def _post(email: str, password: str, client_address: str) -> Any:
    # A fresh client each time: every request arrives from the balancer, naming the real client in the header.
    return Client().post(
        SIGN_IN,
        {"username": email, "password": password},
        REMOTE_ADDR=BALANCER,
        HTTP_X_FORWARDED_FOR=client_address,
    )


@pytest.mark.django_db
def test_failures_from_one_client_behind_the_balancer_do_not_lock_another(behind_proxy: Any) -> None:
    """Five failures from one client, through the balancer, leave other clients able to sign in to that account."""
    UserFactory(email="target@a.test")
    UserFactory(email="other@a.test")
    for _ in range(behind_proxy.AXES_FAILURE_LIMIT):
        _post("target@a.test", "guess", "203.0.113.9")
    assert _post("target@a.test", PASSWORD, "203.0.113.9").status_code == 429
    assert _post("target@a.test", PASSWORD, "198.51.100.7").status_code == 302
    assert _post("other@a.test", PASSWORD, "198.51.100.7").status_code == 302


@pytest.mark.django_db
def test_the_lockout_and_the_audit_log_see_the_same_client_address(behind_proxy: Any) -> None:
    """A failed sign-in through the balancer is audited with the client's address, not the balancer's."""
    _post("nobody@a.test", "guess", "203.0.113.9")
    event = AuditEvent.objects.filter(actor_label="nobody@a.test").get()
    assert event.ip_address == "203.0.113.9"


@pytest.mark.django_db
def test_changing_the_case_of_the_email_is_counted_as_the_same_account(behind_proxy: Any) -> None:
    """Failures typed as Target@A.TEST, target@a.test and ' TARGET@a.test ' all count towards one lockout."""
    UserFactory(email="target@a.test")
    spellings = ["Target@A.TEST", "target@a.test", "TARGET@a.test", "tArGeT@a.TeSt", "Target@a.test"]
    for email in spellings[: behind_proxy.AXES_FAILURE_LIMIT]:
        _post(email, "guess", "203.0.113.9")
    assert list(AccessAttempt.objects.values_list("username", flat=True)) == ["target@a.test"]
    response = _post("target@a.test", PASSWORD, "203.0.113.9")
    assert response.status_code == 429
    assert "Your account is locked" in response.content.decode()


@pytest.mark.django_db
def test_guessing_one_account_from_many_addresses_locks_it_with_a_time_to_try_again(behind_proxy: Any) -> None:
    """After the per-account limit from many addresses (any case), the account refuses the right password too."""
    behind_proxy.SIGN_IN_ACCOUNT_FAILURE_LIMIT = 6
    UserFactory(email="target@a.test")
    for n in range(6):
        email = "Target@a.test" if n % 2 else "target@A.test"
        assert _post(email, "guess", f"203.0.113.{n + 10}").status_code == 200
    response = _post("target@a.test", PASSWORD, "198.51.100.7")
    content = response.content.decode()
    assert response.status_code == 429
    assert "Your account is locked" in content and "Try again in" in content
    assert 0 < int(response["Retry-After"]) <= 30 * 60
    assert _post("other@a.test", "guess", "198.51.100.7").status_code == 200


@pytest.mark.django_db
def test_wrong_passwords_for_many_accounts_from_one_address_are_limited(behind_proxy: Any) -> None:
    """Spraying guesses over many accounts from one client is refused after the per-address limit; others go on."""
    behind_proxy.SIGN_IN_ADDRESS_FAILURE_LIMIT = 4
    UserFactory(email="real@a.test")
    for n in range(4):
        assert _post(f"person{n}@a.test", "guess", "203.0.113.9").status_code == 200
    refused = _post("real@a.test", PASSWORD, "203.0.113.9")
    assert refused.status_code == 429 and "Too many attempts to sign in from your network" in refused.content.decode()
    assert _post("real@a.test", PASSWORD, "198.51.100.7").status_code == 302


@pytest.mark.django_db
def test_password_reset_emails_are_limited_per_recipient_whether_or_not_the_account_exists() -> None:
    """The fourth reset request in an hour for one email (any case) is refused with a time, known or not."""
    UserFactory(email="real@a.test")
    for email in ("real@a.test", "nobody@a.test"):
        for n in range(3):
            assert _post_reset(email.upper() if n else email, f"203.0.113.{n}").status_code == 302
        refused = _post_reset(email, "198.51.100.7")
        content = refused.content.decode()
        assert refused.status_code == 429
        assert "There is a problem" in content and "Try again in" in content
    assert len(mail.outbox) == 3


def _post_reset(email: str, client_address: str) -> Any:
    return Client().post(
        reverse("accounts:password-reset"), {"email": email}, REMOTE_ADDR=BALANCER, HTTP_X_FORWARDED_FOR=client_address
    )
