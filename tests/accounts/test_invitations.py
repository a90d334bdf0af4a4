"""Invitations: who may send them, single-use links that expire after 7 days, and what accepting does."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from pine.accounts import services
from pine.accounts.models import Invitation, Membership, User
from pine.core.models import AuditAction, AuditEvent
from tests.conftest import World, sign_in
from tests.factories import make_invitation

GOOD = {
    "full_name": "New Person",
    "phone": "",
    "new_password1": "a good long passphrase",
    "new_password2": "a good long passphrase",
}


def invite_url(world: World) -> str:
    return reverse("accounts:organisation-invite", kwargs={"pk": world.org_a.pk})


def test_the_manager_invites_a_site_lead_and_the_email_holds_a_working_link(
    world: World, client_as: Any, django_capture_on_commit_callbacks: Any
) -> None:
    """The email goes once the invitation is committed (so a failed transaction never emails anyone)."""
    client = client_as("programme_manager")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(invite_url(world), {"full_name": "Sam Lead", "email": "Sam@A.test", "role": "site_lead"})
    assert response.status_code == 302
    invitation = Invitation.objects.get(email="sam@a.test")
    assert invitation.site_role == "site_lead" and invitation.organisation == world.org_a
    assert invitation.expires_at - timezone.now() > dt.timedelta(days=6, hours=23)
    message = mail.outbox[-1]
    assert message.to == ["sam@a.test"]
    token = re.search(r"/join/([^/\s]+)/", message.body).group(1)  # type: ignore[union-attr]
    assert invitation.token_hash == services.hash_token(token)  # only the hash is stored
    assert Client().get(reverse("accounts:invitation-accept", kwargs={"token": token})).status_code == 200
    assert AuditEvent.objects.filter(action=AuditAction.INVITED, object_id=str(invitation.pk)).exists()


def test_the_manager_invites_programme_staff(world: World, client_as: Any) -> None:
    client = client_as("programme_manager")
    response = client.post(
        reverse("accounts:invitation-create"),
        {"full_name": "Ada Adviser", "email": "ada@pine.test", "role": "research_adviser"},
    )
    assert response.status_code == 302
    assert Invitation.objects.get(email="ada@pine.test").programme_role == "research_adviser"


def test_a_site_lead_may_invite_only_site_members_to_their_own_organisation(world: World, client_as: Any) -> None:
    client = client_as("site_lead")
    refused = client.post(invite_url(world), {"full_name": "X", "email": "x@a.test", "role": "dpo"})
    assert "Select the person&#x27;s role" in refused.content.decode()
    assert not Invitation.objects.filter(email="x@a.test").exists()
    allowed = client.post(invite_url(world), {"full_name": "X", "email": "x@a.test", "role": "site_member"})
    assert allowed.status_code == 302
    other = client_as("other_site_lead").post(
        invite_url(world), {"full_name": "Y", "email": "y@a.test", "role": "site_member"}
    )
    assert other.status_code == 404
    assert not Invitation.objects.filter(email="y@a.test").exists()


def test_bad_invitation_input_gets_specific_messages_and_keeps_the_answers(world: World, client_as: Any) -> None:
    client = client_as("programme_manager")
    response = client.post(invite_url(world), {"full_name": "K" * 151, "email": "not-an-email", "role": ""})
    content = response.content.decode()
    assert "Full name must be 150 characters or fewer" in content
    assert "Enter an email address in the correct format" in content
    assert "Select the person&#x27;s role" in content
    assert 'value="not-an-email"' in content
    member = world.users["site_member"]
    again = client.post(invite_url(world), {"full_name": "Again", "email": member.email, "role": "site_member"})
    assert f"{member.email} is already a member of {world.org_a.name}" in again.content.decode()


def test_a_new_invitation_withdraws_the_earlier_one_for_the_same_person(world: World) -> None:
    manager = world.users["programme_manager"]
    first = services.invitation_create(
        actor=manager, email="p@a.test", full_name="P", organisation=world.org_a, site_role="site_member"
    )
    services.invitation_create(
        actor=manager, email="p@a.test", full_name="P", organisation=world.org_a, site_role="site_lead"
    )
    first.refresh_from_db()
    assert first.revoked_at is not None
    assert Invitation.objects.pending().filter(email="p@a.test").count() == 1


def test_accepting_creates_the_account_and_membership_and_signs_in(world: World, client: Client) -> None:
    url = reverse("accounts:invitation-accept", kwargs={"token": world.invitation_token})
    assert "Site member at Hartwell Borough" in client.get(url).content.decode()
    response = client.post(url, {**GOOD, "phone": "020 7946 0000"})
    assert response.status_code == 302
    user = User.objects.get(email=world.invitation_a.email)
    assert user.check_password(GOOD["new_password1"])
    assert user.phone == "020 7946 0000"
    assert Membership.objects.get(user=user).organisation == world.org_a
    assert client.session["_auth_user_id"] == str(user.pk)
    world.invitation_a.refresh_from_db()
    assert world.invitation_a.accepted_by == user


def test_a_used_link_cannot_be_used_again(world: World, client: Client) -> None:
    url = reverse("accounts:invitation-accept", kwargs={"token": world.invitation_token})
    client.post(url, GOOD)
    again = Client().post(url, {**GOOD, "full_name": "Someone Else"})
    assert again.status_code == 410
    assert "This invitation has already been used" in again.content.decode()
    assert User.objects.filter(email=world.invitation_a.email).count() == 1


def test_an_expired_link_gets_a_clear_page_and_changes_nothing(world: World, client: Client) -> None:
    invitation, token = make_invitation(
        organisation=world.org_a, email="late@a.test", expires_in=dt.timedelta(seconds=-1)
    )
    response = client.post(reverse("accounts:invitation-accept", kwargs={"token": token}), GOOD)
    assert response.status_code == 410
    assert "This invitation has expired" in response.content.decode()
    assert not User.objects.filter(email="late@a.test").exists()


def test_an_unknown_or_absurd_token_is_not_found(world: World, client: Client) -> None:
    for token in ("nope", "x" * 500):
        response = client.get(reverse("accounts:invitation-accept", kwargs={"token": token}))
        assert response.status_code == 404
        assert "This invitation link is not valid" in response.content.decode()


def test_a_withdrawn_link_does_not_work(world: World, client_as: Any) -> None:
    lead = client_as("site_lead")
    assert lead.post(reverse("accounts:invitation-revoke", kwargs={"pk": world.invitation_a.pk})).status_code == 302
    response = Client().get(reverse("accounts:invitation-accept", kwargs={"token": world.invitation_token}))
    assert response.status_code == 410
    assert "withdrawn" in response.content.decode()


def test_another_organisation_cannot_withdraw_an_invitation(world: World, client_as: Any) -> None:
    response = client_as("other_site_lead").post(
        reverse("accounts:invitation-revoke", kwargs={"pk": world.invitation_a.pk})
    )
    assert response.status_code == 404
    world.invitation_a.refresh_from_db()
    assert world.invitation_a.revoked_at is None


def test_weak_or_mismatched_passwords_are_refused_and_the_name_is_kept(world: World, client: Client) -> None:
    url = reverse("accounts:invitation-accept", kwargs={"token": world.invitation_token})
    weak = client.post(url, {**GOOD, "new_password1": "password123", "new_password2": "password123"})
    content = weak.content.decode()
    assert "This password is too short" in content or "This password is too common" in content
    assert 'value="New Person"' in content
    bad_phone = client.post(url, {**GOOD, "phone": "call me maybe"})
    assert "Enter a phone number, like" in bad_phone.content.decode()
    assert not User.objects.filter(email=world.invitation_a.email).exists()


def test_a_person_with_an_account_accepts_by_signing_in_first(world: World) -> None:
    existing = world.users["other_site_lead"]
    invitation, token = make_invitation(organisation=world.org_a, email=existing.email)
    url = reverse("accounts:invitation-accept", kwargs={"token": token})
    anonymous = Client().get(url)
    assert "Sign in to accept your invitation" in anonymous.content.decode()
    client = sign_in(Client(), existing)
    assert client.post(url).status_code == 302
    assert Membership.objects.filter(user=existing, organisation=world.org_a, role="site_member").exists()


def test_accepting_twice_at_once_makes_one_account(world: World) -> None:
    """The second acceptance of the same invitation (a double click) is refused inside the transaction."""
    services.invitation_accept(invitation=world.invitation_a, password="a good long passphrase", full_name="A")
    with pytest.raises(services.InvitationUnusable):
        services.invitation_accept(invitation=world.invitation_a, password="a good long passphrase", full_name="B")
    assert User.objects.filter(email=world.invitation_a.email).count() == 1


def test_with_the_database_task_backend_the_email_is_queued_with_the_invitation(world: World, settings: Any) -> None:
    """The email waits in the task queue, written in the same transaction, until a worker runs the task."""
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.backend.DatabaseBackend"}}
    mail.outbox.clear()
    services.invitation_create(
        actor=world.users["programme_manager"],
        email="q@a.test",
        full_name="Q",
        organisation=world.org_a,
        site_role="site_member",
    )
    assert mail.outbox == []
    queued = DBTaskResult.objects.get()
    assert queued.task.name == "send_invitation"
    assert queued.args_kwargs["kwargs"] == {"invitation_id": Invitation.objects.get(email="q@a.test").pk}
    # Run it as `pine worker` would (the worker loop itself manages connections, so it runs out of process).
    queued.task.call(*queued.args_kwargs["args"], **queued.args_kwargs["kwargs"])
    assert [m.to for m in mail.outbox] == [["q@a.test"]]
    assert "/join/" in mail.outbox[0].body
