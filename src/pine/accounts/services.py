"""Writes for people, organisations and invitations. Every write is atomic and audited."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from pine.accounts.emails import send_invitation
from pine.accounts.models import Invitation, Membership, Organisation, User
from pine.core import audit, notify
from pine.core.models import AuditAction

INVITATION_LIFETIME = dt.timedelta(days=7)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


@transaction.atomic
def organisation_create(*, actor: User, name: str, kind: str, region: str) -> Organisation:
    organisation = Organisation(name=name.strip(), kind=kind, region=region)
    organisation.full_clean()
    organisation.save()
    audit.record(action=AuditAction.CREATED, obj=organisation, actor=actor, changes=audit.created_changes(organisation))
    return organisation


@transaction.atomic
def organisation_update(*, actor: User, organisation: Organisation, data: dict[str, Any]) -> Organisation:
    # "Before" is read from the database, locked: a ModelForm may already have changed the instance in memory.
    before = audit.snapshot(Organisation.objects.select_for_update().get(pk=organisation.pk))
    for field in ("name", "kind", "region"):
        if field in data:
            setattr(organisation, field, data[field].strip() if field == "name" else data[field])
    organisation.full_clean()
    changes = audit.diff(before, audit.snapshot(organisation))
    if changes:
        organisation.save(update_fields=[*changes, "updated_at"])
        audit.record(action=AuditAction.CHANGED, obj=organisation, actor=actor, changes=changes)
    return organisation


@transaction.atomic
def invitation_create(
    *,
    actor: User,
    email: str,
    full_name: str,
    organisation: Organisation | None = None,
    site_role: str = "",
    programme_role: str = "",
) -> Invitation:
    """Invite a person; any earlier waiting invitation for the same email and place is withdrawn."""
    email = User.objects.normalize_email(email.strip()).lower()
    existing = User.objects.filter(email__iexact=email).first()
    if existing is not None:
        if organisation is not None and existing.memberships.filter(organisation=organisation).exists():
            raise ValidationError({"email": f"{email} is already a member of {organisation}"})
        if programme_role and existing.programme_role:
            raise ValidationError({"email": f"{email} is already in the programme team"})
        if programme_role and existing.memberships.exists():
            raise ValidationError(
                {"email": f"{email} belongs to a site organisation, so cannot join the programme team"}
            )
        if organisation is not None and existing.programme_role:
            raise ValidationError({"email": f"{email} is in the programme team, so cannot join a site organisation"})
    earlier = Invitation.objects.pending().filter(email__iexact=email, organisation=organisation)
    for old in earlier.select_for_update():
        _revoke(actor=actor, invitation=old)

    # A placeholder nobody knows: the emailed link's token is made when the email task runs (accounts/emails.py).
    token = secrets.token_urlsafe(32)
    invitation = Invitation(
        email=email,
        full_name=full_name.strip(),
        organisation=organisation,
        site_role=site_role if organisation is not None else "",
        programme_role=programme_role if organisation is None else "",
        token_hash=hash_token(token),
        invited_by=actor,
        expires_at=timezone.now() + INVITATION_LIFETIME,
    )
    invitation.full_clean()
    invitation.save()
    audit.record(
        action=AuditAction.INVITED,
        obj=invitation,
        actor=actor,
        changes={"role": ["", invitation.role_label]},  # the address stays on the invitation, not in the log
    )
    notify.queue(send_invitation, invitation_id=invitation.pk)
    return invitation


def invitation_for_token(*, token: str) -> Invitation | None:
    if not token or len(token) > 100:
        return None
    return Invitation.objects.select_related("organisation").filter(token_hash=hash_token(token)).first()


class InvitationUnusable(Exception):
    """The invitation was used, withdrawn or has expired; the message says which, for the person."""


def _check_usable(invitation: Invitation) -> None:
    if invitation.accepted_at is not None:
        raise InvitationUnusable("This invitation has already been used.")
    if invitation.revoked_at is not None:
        raise InvitationUnusable("This invitation has been withdrawn.")
    if invitation.expires_at <= timezone.now():
        raise InvitationUnusable("This invitation has expired.")


@transaction.atomic
def invitation_accept(
    *,
    invitation: Invitation,
    password: str | None,
    full_name: str = "",
    phone: str = "",
    user: User | None = None,
) -> User:
    """Accept an invitation: a new person sets a password; someone with an account must be signed in as them.

    The invitation row is locked so that two clicks on the same link make one account.
    """
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    _check_usable(invitation)
    if user is None:
        if User.objects.filter(email__iexact=invitation.email).exists():
            raise InvitationUnusable("An account with this email address already exists. Sign in to accept.")
        user = User(email=invitation.email, full_name=full_name.strip() or invitation.full_name, phone=phone.strip())
        user.set_password(password)
        user.full_clean(exclude=["password"])
        user.save()
        audit.record(action=AuditAction.CREATED, obj=user, actor=user, changes=audit.created_changes(user))
    elif user.email.lower() != invitation.email.lower():
        raise InvitationUnusable("This invitation is for a different email address.")

    if invitation.programme_role:
        before = audit.snapshot(user, ["programme_role"])
        user.programme_role = invitation.programme_role
        user.save(update_fields=["programme_role"])
        audit.record(
            action=AuditAction.CHANGED,
            obj=user,
            actor=user,
            changes=audit.diff(before, audit.snapshot(user, ["programme_role"])),
        )
    else:
        assert invitation.organisation is not None  # the check constraint: a site role has an organisation
        membership = Membership.objects.create(
            user=user, organisation=invitation.organisation, role=invitation.site_role
        )
        audit.record(action=AuditAction.CREATED, obj=membership, actor=user, changes=audit.created_changes(membership))
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    audit.record(action=AuditAction.INVITATION_ACCEPTED, obj=invitation, actor=user)
    return user


def _revoke(*, actor: User, invitation: Invitation) -> None:
    invitation.revoked_at = timezone.now()
    invitation.save(update_fields=["revoked_at"])
    audit.record(action=AuditAction.INVITATION_REVOKED, obj=invitation, actor=actor)


@transaction.atomic
def invitation_revoke(*, actor: User, invitation: Invitation) -> Invitation:
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    _check_usable(invitation)
    _revoke(actor=actor, invitation=invitation)
    return invitation


@transaction.atomic
def user_update_details(*, user: User, full_name: str, phone: str) -> User:
    before = audit.snapshot(user, ["full_name", "phone"])
    user.full_name = full_name.strip()
    user.phone = phone.strip()
    user.full_clean(exclude=["password"])
    after = audit.snapshot(user, ["full_name", "phone"])
    changes = audit.diff(before, after)
    if changes:
        user.save(update_fields=list(changes))
        audit.record(action=AuditAction.CHANGED, obj=user, actor=user, changes=changes)
    return user


@transaction.atomic
def user_set_active(*, actor: User, user: User, active: bool) -> User:
    """Deactivate someone who has left (they are signed out at their next request), or let them back in."""
    before = audit.snapshot(user, ["is_active"])
    user.is_active = active
    user.save(update_fields=["is_active"])
    changes = audit.diff(before, audit.snapshot(user, ["is_active"]))
    if changes:
        audit.record(action=AuditAction.CHANGED, obj=user, actor=actor, changes=changes)
    return user


@transaction.atomic
def user_reset_two_factor(*, actor: User, user: User) -> int:
    """Remove a person's authenticators, for a lost phone; they set up a new one at their next sign-in."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    removed, _ = TOTPDevice.objects.filter(user=user).delete()
    audit.record(action=AuditAction.CHANGED, obj=user, actor=actor, changes={"two_factor": ["set up", "reset"]})
    return removed
