"""Reads for people, organisations and invitations, already scoped by the policy."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from pine.accounts.models import Invitation, Membership, Organisation, User
from pine.core import policy
from pine.core.policy import Action


def organisation_list(*, user: Any) -> QuerySet[Organisation]:
    now = timezone.now()
    return (
        policy.visible_organisations(user)
        .annotate(
            people=Count("memberships", distinct=True),
            waiting=Count(
                "invitations",
                filter=Q(
                    invitations__accepted_at__isnull=True,
                    invitations__revoked_at__isnull=True,
                    invitations__expires_at__gt=now,
                ),
                distinct=True,
            ),
        )
        .order_by("name")
    )


def organisation_detail(*, user: Any, organisation: Organisation) -> dict[str, Any]:
    # Without permission to see contact details, the page says how many people there are, not who they are.
    may_see_contacts = policy.can(user, Action.VIEW_ORGANISATION_CONTACTS, organisation)
    members = Membership.objects.filter(organisation=organisation).select_related("user").order_by("user__full_name")
    may_invite = policy.can(user, Action.INVITE, organisation)
    invitations = (
        Invitation.objects.pending().filter(organisation=organisation).select_related("invited_by")
        if may_invite
        else Invitation.objects.none()
    )
    from pine.journey.selectors import project_list

    return {
        "organisation": organisation,
        "projects": project_list(projects=policy.visible_projects(user).filter(organisation=organisation)),
        "may_create_project": policy.can(user, Action.CREATE_PROJECT),
        "members": members if may_see_contacts else Membership.objects.none(),
        "people_count": members.count(),
        "may_see_contacts": may_see_contacts,
        "invitations": invitations,
        "may_invite": may_invite,
        "may_edit": policy.can(user, Action.CHANGE_ORGANISATION, organisation),
    }


def invitation_list(*, user: Any) -> QuerySet[Invitation]:
    return policy.visible_invitations(user).select_related("organisation", "invited_by").order_by("-created_at")


def user_with_email(*, email: str) -> User | None:
    return User.objects.filter(email__iexact=email).first()


def people_list(*, organisation_id: int | None = None, search: str = "") -> QuerySet[User]:
    """Everyone with an account, with their roles and whether they have an authenticator, in a few queries."""
    people = User.objects.annotate(
        has_authenticator=Exists(TOTPDevice.objects.filter(user=OuterRef("pk"), confirmed=True))
    ).prefetch_related(
        Prefetch(
            "memberships", queryset=Membership.objects.select_related("organisation").order_by("organisation__name")
        )
    )
    if organisation_id is not None:
        people = people.filter(memberships__organisation_id=organisation_id)
    if search.strip():
        people = people.filter(Q(full_name__icontains=search.strip()) | Q(email__icontains=search.strip()))
    return people.order_by("-programme_role", "full_name")


def person_detail(*, person: User) -> dict[str, Any]:
    return {
        "person": person,
        "memberships": person.memberships.select_related("organisation"),
        "has_authenticator": TOTPDevice.objects.filter(user=person, confirmed=True).exists(),
    }
