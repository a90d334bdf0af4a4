"""Signing in, locking out after repeated failures, resetting a password and signing out."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from pine.accounts.models import User
from pine.core.models import AuditAction, AuditEvent
from tests.factories import PASSWORD, UserFactory

SIGN_IN = "/sign-in/"


@pytest.mark.django_db
def test_sign_in_with_email_in_any_case_goes_to_home(client: Client) -> None:
    UserFactory(email="lead@a.test")
    response = client.post(SIGN_IN, {"username": "Lead@A.test", "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == reverse("core:home")


@pytest.mark.django_db
def test_passwords_are_hashed_with_argon2() -> None:
    user = User.objects.create_user("new@a.test", "a-long-password-here", full_name="New Person")
    assert user.password.startswith("argon2")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"username": "", "password": ""}, "Enter your email address"),
        ({"username": "not-an-email", "password": "x"}, "Enter an email address in the correct format"),
        ({"username": "a" * 250 + "@b.test", "password": "x"}, "Email address must be 254 characters or fewer"),
        ({"username": "nobody@a.test", "password": "whatever"}, "Enter a correct email address and password"),
    ],
)
def test_bad_sign_in_input_gets_a_specific_message_and_keeps_the_email(
    client: Client, data: dict[str, str], message: str
) -> None:
    response = client.post(SIGN_IN, data)
    content = response.content.decode()
    assert response.status_code == 200
    assert message in content
    assert "There is a problem" in content
    if data["username"] and len(data["username"]) < 254:
        assert f'value="{data["username"]}"' in content


@pytest.mark.django_db
def test_safe_next_is_followed_and_an_external_one_is_ignored(client: Client) -> None:
    UserFactory(email="lead@a.test")
    response = client.post(SIGN_IN, {"username": "lead@a.test", "password": PASSWORD, "next": "https://evil.test/"})
    assert response["Location"] == reverse("core:home")
    client.post(reverse("accounts:sign-out"))
    response = client.post(SIGN_IN, {"username": "lead@a.test", "password": PASSWORD, "next": "/account/"})
    assert response["Location"] == "/account/"


@pytest.mark.django_db
def test_repeated_failures_lock_the_account_even_for_the_right_password(client: Client, settings: Any) -> None:
    """After the failure limit from one address, even the right password from that address is refused."""
    UserFactory(email="target@a.test")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(SIGN_IN, {"username": "target@a.test", "password": "guess"}, REMOTE_ADDR="10.0.0.9")
    response = client.post(SIGN_IN, {"username": "target@a.test", "password": PASSWORD}, REMOTE_ADDR="10.0.0.9")
    assert response.status_code == 429
    assert "Your account is locked for 30 minutes" in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert AuditEvent.objects.filter(action=AuditAction.LOCKED_OUT, actor_label="target@a.test").exists()


@pytest.mark.django_db
def test_password_reset_does_not_reveal_whether_an_account_exists(client: Client) -> None:
    UserFactory(email="real@a.test")
    known = client.post(reverse("accounts:password-reset"), {"email": "real@a.test"})
    unknown = client.post(reverse("accounts:password-reset"), {"email": "nobody@a.test"})
    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"]
    assert [m.to for m in mail.outbox] == [["real@a.test"]]


@pytest.mark.django_db
def test_a_reset_link_sets_a_new_password_once_and_unlocks_the_account(client: Client, settings: Any) -> None:
    user = UserFactory(email="real@a.test")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(SIGN_IN, {"username": "real@a.test", "password": "guess"})
    client.post(reverse("accounts:password-reset"), {"email": "real@a.test"})
    body = mail.outbox[0].body
    assert settings.SERVICE_BASE_URL in body
    path = re.search(r"https?://[^/\s]+(/password-reset/\S+/)", body).group(1)  # type: ignore[union-attr]
    form_page = client.get(path, follow=True)
    form_url = form_page.redirect_chain[-1][0]
    mismatched = client.post(form_url, {"new_password1": "brand new passphrase", "new_password2": "different one"})
    assert "The passwords do not match" in mismatched.content.decode()
    short = client.post(form_url, {"new_password1": "short", "new_password2": "short"})
    assert "too short" in short.content.decode()
    done = client.post(form_url, {"new_password1": "brand new passphrase", "new_password2": "brand new passphrase"})
    assert done.status_code == 302
    user.refresh_from_db()
    assert user.check_password("brand new passphrase")
    assert client.post(SIGN_IN, {"username": "real@a.test", "password": "brand new passphrase"}).status_code == 302
    again = Client().get(path, follow=True)
    assert "This link does not work" in again.content.decode()
    assert AuditEvent.objects.filter(action=AuditAction.PASSWORD_CHANGED, actor=user).exists()


@pytest.mark.django_db
def test_sign_out_needs_a_post_and_is_audited(client: Client) -> None:
    user = UserFactory()
    client.force_login(user)
    assert client.get(reverse("accounts:sign-out")).status_code == 405
    response = client.post(reverse("accounts:sign-out"))
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session
    assert AuditEvent.objects.filter(action=AuditAction.SIGN_OUT, actor=user).exists()
