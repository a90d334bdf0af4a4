"""The demo programme loads, loads again without change, and matches the README's table of sign-ins."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.management import call_command
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from pine.accounts.demo import DEMO_PASSWORD, PROGRAMME_TEAM, SITE_PEOPLE, sign_ins, totp_secret
from pine.accounts.models import Invitation, Membership, Organisation, User
from pine.core.models import AuditEvent

README = Path(__file__).resolve().parents[2] / "README.md"


@pytest.mark.django_db
def test_demo_data_is_idempotent_and_complete(capsys: pytest.CaptureFixture[str]) -> None:
    call_command("demo_data")
    counts = (
        User.objects.count(),
        Organisation.objects.count(),
        Membership.objects.count(),
        Invitation.objects.count(),
        AuditEvent.objects.count(),
    )
    call_command("demo_data")
    assert counts == (
        User.objects.count(),
        Organisation.objects.count(),
        Membership.objects.count(),
        Invitation.objects.count(),
        AuditEvent.objects.count(),
    )
    assert User.objects.count() == len(PROGRAMME_TEAM) + len(SITE_PEOPLE)
    assert Organisation.objects.count() == 3
    for role in ("site_lead", "site_member", "dpo"):
        assert Membership.objects.filter(role=role).count() == 3
    assert Invitation.objects.pending().count() == 1
    output = capsys.readouterr().out
    assert DEMO_PASSWORD in output and "manager@pine.example" in output


@pytest.mark.django_db
def test_demo_staff_can_sign_in_with_the_printed_secret() -> None:
    call_command("demo_data")
    manager = User.objects.get(email="manager@pine.example")
    assert manager.check_password(DEMO_PASSWORD)
    device = TOTPDevice.objects.get(user=manager)
    import base64

    key = base64.b32decode(totp_secret(manager.email))
    assert device.verify_token(f"{totp(key):06d}")


def test_the_readme_lists_every_demo_sign_in() -> None:
    readme = README.read_text()
    assert f"**`{DEMO_PASSWORD}`**" in readme
    for row in sign_ins():
        secret = f"`{row.totp_secret}`" if row.totp_secret else "–"
        assert f"| {row.email} | {row.role} | {secret} |" in readme, row.email
