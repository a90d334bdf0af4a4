"""Small factories for test data (factory_boy)."""

from __future__ import annotations

import datetime as dt
import secrets

import factory
from django.contrib.auth.hashers import make_password
from django.utils import timezone

from pine.accounts.models import Invitation, Membership, Organisation, User
from pine.accounts.services import hash_token

PASSWORD = "a-long-test-password-42"
# Hashed once per run: Argon2 is slow on purpose.
_PASSWORD_HASH = make_password(PASSWORD)


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Test Borough {n}")
    kind = "local_authority"
    region = "london"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    full_name = factory.Sequence(lambda n: f"Person {n}")
    password = _PASSWORD_HASH


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    role = "site_member"


def make_invitation(
    *,
    organisation: Organisation | None,
    email: str = "invitee@example.org",
    site_role: str = "site_member",
    programme_role: str = "",
    expires_in: dt.timedelta = dt.timedelta(days=7),
    invited_by: User | None = None,
) -> tuple[Invitation, str]:
    """An invitation and the raw token of its link."""
    token = secrets.token_urlsafe(32)
    invitation = Invitation.objects.create(
        email=email,
        full_name="Invited Person",
        organisation=organisation,
        site_role=site_role if organisation else "",
        programme_role=programme_role if not organisation else "",
        token_hash=hash_token(token),
        invited_by=invited_by,
        expires_at=timezone.now() + expires_in,
    )
    return invitation, token
