"""People, organisations, their roles, and invitations."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.db import models
from django.urls import reverse
from django.utils import timezone

from pine.core.fields import EncryptedTextField


class OrganisationKind(models.TextChoices):
    LOCAL_AUTHORITY = "local_authority", "Local authority"
    CHARITY = "charity", "Charity"
    NHS_TRUST = "nhs_trust", "NHS trust"
    OTHER = "other", "Other"


class Region(models.TextChoices):
    NORTH_EAST = "north_east", "North East"
    NORTH_WEST = "north_west", "North West"
    YORKSHIRE = "yorkshire", "Yorkshire and the Humber"
    EAST_MIDLANDS = "east_midlands", "East Midlands"
    WEST_MIDLANDS = "west_midlands", "West Midlands"
    EAST = "east", "East of England"
    LONDON = "london", "London"
    SOUTH_EAST = "south_east", "South East"
    SOUTH_WEST = "south_west", "South West"
    NATIONAL = "national", "National (several regions)"


class ProgrammeRole(models.TextChoices):
    PROGRAMME_MANAGER = "programme_manager", "Programme manager"
    PRACTICE_ADVISER = "practice_adviser", "Practice adviser"
    RESEARCH_ADVISER = "research_adviser", "Research adviser"


class SiteRole(models.TextChoices):
    SITE_LEAD = "site_lead", "Site lead"
    SITE_MEMBER = "site_member", "Site member"
    DATA_PROTECTION_OFFICER = "dpo", "Data protection officer"


class Organisation(models.Model):
    name = models.CharField(max_length=200, unique=True)
    kind = models.CharField("type", max_length=30, choices=OrganisationKind.choices)
    region = models.CharField(max_length=30, choices=Region.choices)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("accounts:organisation-detail", kwargs={"pk": self.pk})


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def get_by_natural_key(self, username: str | None) -> User:
        # Email addresses are matched without regard to case, as people type them.
        return self.get(email__iexact=username)

    def create_user(self, email: str, password: str | None = None, **fields: Any) -> User:
        user = self.model(email=self.normalize_email(email).lower(), **fields)
        user.set_password(password)
        user.full_clean(exclude=["password"])
        user.save()
        return user


class User(AbstractBaseUser):
    """A person who signs in. Programme staff have a `programme_role`; site people have memberships."""

    email = models.EmailField("email address", max_length=254, unique=True)
    full_name = models.CharField(max_length=150)
    phone = EncryptedTextField("phone number")
    programme_role = models.CharField(max_length=30, choices=ProgrammeRole.choices, blank=True)
    is_active = models.BooleanField(default=True)
    date_joined = models.DateTimeField(default=timezone.now)

    objects = UserManager()

    # Set on each request's user by django_otp's OTPMiddleware: has this session passed two-factor?
    is_verified: Callable[[], bool]

    EMAIL_FIELD = "email"
    USERNAME_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]
    # The audit log records that these changed, never their values (see core/audit.py).
    AUDIT_PERSONAL_FIELDS = ("email", "full_name")

    class Meta:
        ordering = ["full_name", "email"]

    def __str__(self) -> str:
        return self.full_name or self.email

    def audit_label(self) -> str:
        return f"Account {self.pk}"

    def get_full_name(self) -> str:
        return self.full_name

    def get_short_name(self) -> str:
        return self.full_name.split(" ")[0] if self.full_name else self.email

    @property
    def is_programme_staff(self) -> bool:
        return bool(self.programme_role)

    @property
    def is_staff(self) -> bool:
        # PINE has no Django admin site; every screen goes through the policy module.
        return False


class Membership(models.Model):
    """A person's role in a site organisation."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=30, choices=SiteRole.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["organisation__name", "user__full_name"]
        constraints = [models.UniqueConstraint(fields=["user", "organisation"], name="one_membership_per_org")]

    def __str__(self) -> str:
        return f"{self.user} – {self.get_role_display()} at {self.organisation}"

    def audit_label(self) -> str:
        return f"Account {self.user_id} – {self.get_role_display()} at {self.organisation}"


class InvitationQuerySet(models.QuerySet["Invitation"]):
    def pending(self) -> InvitationQuerySet:
        return self.filter(accepted_at__isnull=True, revoked_at__isnull=True, expires_at__gt=timezone.now())


class Invitation(models.Model):
    """An invitation to join an organisation with a site role, or the programme team with a programme role.

    The link holds a random token; only its SHA-256 is stored, so a database leak does not leak usable links.
    """

    email = models.EmailField("email address", max_length=254)
    full_name = models.CharField(max_length=150)
    organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.CASCADE, related_name="invitations"
    )
    site_role = models.CharField(max_length=30, choices=SiteRole.choices, blank=True)
    programme_role = models.CharField(max_length=30, choices=ProgrammeRole.choices, blank=True)
    token_hash = models.CharField(max_length=64, unique=True)
    invited_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = InvitationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                name="invitation_has_exactly_one_kind_of_role",
                condition=(models.Q(organisation__isnull=False, programme_role="") & ~models.Q(site_role=""))
                | (models.Q(organisation__isnull=True, site_role="") & ~models.Q(programme_role="")),
            )
        ]

    AUDIT_PERSONAL_FIELDS = ("email", "full_name")

    def __str__(self) -> str:
        return f"Invitation for {self.email} as {self.role_label}"

    def audit_label(self) -> str:
        return f"Invitation {self.pk} as {self.role_label}"

    @property
    def role_label(self) -> str:
        if self.programme_role:
            return self.get_programme_role_display()
        return f"{self.get_site_role_display()} at {self.organisation}"

    @property
    def status(self) -> str:
        if self.accepted_at:
            return "Accepted"
        if self.revoked_at:
            return "Withdrawn"
        if self.expires_at <= timezone.now():
            return "Expired"
        return "Waiting"
