"""The demo programme: people, organisations and roles that show every feature. Demo mode only."""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass

from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

from pine.accounts import services
from pine.accounts.models import Invitation, Membership, Organisation, User
from pine.core import audit
from pine.core.models import AuditAction

DEMO_PASSWORD = "pine-demo-password"  # noqa: S105 - printed for everyone by `make demo`; refused in production


@dataclass(frozen=True)
class DemoPerson:
    email: str
    full_name: str
    programme_role: str = ""
    organisation: str = ""
    site_role: str = ""
    phone: str = ""


PROGRAMME_TEAM = [
    DemoPerson("manager@pine.example", "Priya Shah", "programme_manager", phone="020 7946 0001"),
    DemoPerson("practice.adviser@pine.example", "Tom Okafor", "practice_adviser"),
    DemoPerson("practice.adviser2@pine.example", "Helen Marsh", "practice_adviser"),
    DemoPerson("research.adviser@pine.example", "Dr Aisha Rahman", "research_adviser"),
    DemoPerson("research.adviser2@pine.example", "Dr Gareth Lloyd", "research_adviser"),
]

ORGANISATIONS = [
    ("London Borough of Hartwell", "local_authority", "london"),
    ("Northshire County Council", "local_authority", "east_midlands"),
    ("Brightpath Children's Charity", "charity", "north_west"),
]

SITE_PEOPLE = [
    DemoPerson(
        "lead@hartwell.example",
        "Sarah Bennett",
        organisation="London Borough of Hartwell",
        site_role="site_lead",
        phone="020 7946 0102",
    ),
    DemoPerson(
        "member@hartwell.example",
        "Daniel Kowalski",
        organisation="London Borough of Hartwell",
        site_role="site_member",
    ),
    DemoPerson("dpo@hartwell.example", "Fiona Grant", organisation="London Borough of Hartwell", site_role="dpo"),
    DemoPerson(
        "lead@northshire.example",
        "James Whitfield",
        organisation="Northshire County Council",
        site_role="site_lead",
    ),
    DemoPerson(
        "member@northshire.example",
        "Chloe Evans",
        organisation="Northshire County Council",
        site_role="site_member",
    ),
    DemoPerson("dpo@northshire.example", "Mark Ellison", organisation="Northshire County Council", site_role="dpo"),
    DemoPerson(
        "lead@brightpath.example",
        "Nadia Hussain",
        organisation="Brightpath Children's Charity",
        site_role="site_lead",
    ),
    DemoPerson(
        "member@brightpath.example",
        "Owen Price",
        organisation="Brightpath Children's Charity",
        site_role="site_member",
    ),
    DemoPerson(
        "dpo@brightpath.example",
        "Rachel Adeyemi",
        organisation="Brightpath Children's Charity",
        site_role="dpo",
    ),
]

PENDING_INVITATION = (
    "new.member@hartwell.example",
    "Leah Morgan",
    "London Borough of Hartwell",
    "site_member",
)


def totp_key(email: str) -> bytes:
    """A fixed authenticator secret per demo account, so the README can list it."""
    return hashlib.sha256(f"pine-demo-totp:{email}".encode()).digest()[:20]


def totp_secret(email: str) -> str:
    return base64.b32encode(totp_key(email)).decode("ascii")


@dataclass(frozen=True)
class DemoSignIn:
    email: str
    full_name: str
    role: str
    totp_secret: str


@transaction.atomic
def load_demo() -> list[DemoSignIn]:
    """Create or bring up to date the demo programme. Running it again changes nothing that exists."""
    manager = _person(PROGRAMME_TEAM[0], actor=None)
    for person in PROGRAMME_TEAM[1:]:
        _person(person, actor=manager)
    organisations = {}
    for name, kind, region in ORGANISATIONS:
        existing = Organisation.objects.filter(name=name).first()
        organisations[name] = existing or services.organisation_create(
            actor=manager, name=name, kind=kind, region=region
        )
    for person in SITE_PEOPLE:
        user = _person(person, actor=manager)
        organisation = organisations[person.organisation]
        if not Membership.objects.filter(user=user, organisation=organisation).exists():
            membership = Membership.objects.create(user=user, organisation=organisation, role=person.site_role)
            audit.record(
                action=AuditAction.CREATED,
                obj=membership,
                actor=manager,
                changes=audit.created_changes(membership),
            )

    email, full_name, organisation_name, role = PENDING_INVITATION
    if not Invitation.objects.filter(email=email).exists():
        lead = User.objects.get(email="lead@hartwell.example")
        services.invitation_create(
            actor=lead,
            email=email,
            full_name=full_name,
            organisation=organisations[organisation_name],
            site_role=role,
        )
    return sign_ins()


def _person(person: DemoPerson, *, actor: User | None) -> User:
    user = User.objects.filter(email=person.email).first()
    if user is None:
        user = User(
            email=person.email,
            full_name=person.full_name,
            programme_role=person.programme_role,
            phone=person.phone,
        )
        user.set_password(DEMO_PASSWORD)
        user.full_clean(exclude=["password"])
        user.save()
        audit.record(action=AuditAction.CREATED, obj=user, actor=actor or user, changes=audit.created_changes(user))
    if person.programme_role and not TOTPDevice.objects.filter(user=user, confirmed=True).exists():
        TOTPDevice.objects.create(
            user=user, name="Demo authenticator", key=totp_key(person.email).hex(), confirmed=True
        )
    return user


def sign_ins() -> list[DemoSignIn]:
    rows = [
        DemoSignIn(p.email, p.full_name, dict(_ROLE_LABELS)[p.programme_role], totp_secret(p.email))
        for p in PROGRAMME_TEAM
    ]
    rows += [
        DemoSignIn(p.email, p.full_name, f"{dict(_ROLE_LABELS)[p.site_role]}, {p.organisation}", "")
        for p in SITE_PEOPLE
    ]
    return rows


_ROLE_LABELS = [
    ("programme_manager", "Programme manager"),
    ("practice_adviser", "Practice adviser"),
    ("research_adviser", "Research adviser"),
    ("site_lead", "Site lead"),
    ("site_member", "Site member"),
    ("dpo", "Data protection officer"),
]
