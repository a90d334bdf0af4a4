from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from pine.accounts.models import Invitation, Organisation, User
from pine.intake import services as intake
from pine.intake.models import Proposal
from pine.journey.models import Action, Checkpoint, Project, ProjectMember
from pine.programme.seed import ensure_priorities
from tests.collection.factories import CollectionWorld, make_collection_world
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory, make_invitation
from tests.intake.factories import book, make_proposal
from tests.journey.factories import make_project

STAFF_ROLES = ("programme_manager", "practice_adviser", "research_adviser")
SITE_ROLES = ("site_lead", "site_member", "dpo")
ROLES = ("anonymous", *STAFF_ROLES, *SITE_ROLES, "other_site_lead", "unverified_manager", "other_adviser")


@dataclass
class World:
    """Two organisations, a person in every role, and a waiting invitation to organisation A."""

    org_a: Organisation
    org_b: Organisation
    users: dict[str, User]
    invitation_a: Invitation
    invitation_token: str
    project: Project
    checkpoint: Checkpoint
    member: ProjectMember
    action: Action
    proposal: Proposal
    question_token: str
    draft_token: str
    # Data collection (stage 5): a questionnaire, an open wave, a participant with a survey link, an uploaded file
    # and an API key, for organisation A's project (see tests/collection/factories.py).
    collection: CollectionWorld | None = None


@pytest.fixture
def world(db: Any) -> World:
    ensure_priorities()  # a transactional test's flush removes the migration's seed
    org_a = OrganisationFactory(name="Hartwell Borough")
    org_b = OrganisationFactory(name="Other County", region="east")
    users: dict[str, User] = {}
    for role in STAFF_ROLES:
        user = UserFactory(programme_role=role, email=f"{role}@pine.test")
        TOTPDevice.objects.create(user=user, name="app", confirmed=True)
        users[role] = user
    for role in SITE_ROLES:
        users[role] = MembershipFactory(organisation=org_a, role=role, user__email=f"{role}@a.test").user
    users["other_site_lead"] = MembershipFactory(organisation=org_b, role="site_lead", user__email="lead@b.test").user
    # A programme manager who has signed in with a password but not yet entered a code.
    users["unverified_manager"] = UserFactory(programme_role="programme_manager", email="unverified@pine.test")
    TOTPDevice.objects.create(user=users["unverified_manager"], name="app", confirmed=True)
    # A practice adviser who is not assigned to organisation A's project.
    users["other_adviser"] = UserFactory(programme_role="practice_adviser", email="other.adviser@pine.test")
    TOTPDevice.objects.create(user=users["other_adviser"], name="app", confirmed=True)
    invitation, token = make_invitation(organisation=org_a, invited_by=users["site_lead"])
    project, checkpoint, member, action = make_project(
        organisation=org_a,
        practice_adviser=users["practice_adviser"],
        research_adviser=users["research_adviser"],
        lead=users["site_lead"],
    )
    # The project is on the public pages.
    Project.objects.filter(pk=project.pk).update(
        public_summary="Testing themed weeks.", public_summary_status="approved"
    )
    # A proposal assigned to the practice adviser only, with its consultation booked and a question waiting.
    proposal = make_proposal()
    manager = users["programme_manager"]
    intake.proposal_assign(
        actor=manager,
        proposal=proposal,
        practice_adviser=users["practice_adviser"],
        research_adviser=None,
        triage_notes="",
    )
    question_token = _token_of(
        intake.proposal_request_information(actor=manager, proposal=proposal, question="How many fathers?")
    )
    book(proposal, actor=manager, advisers=[users["practice_adviser"]])
    draft = intake.draft_save(email="someone@example.org", answers={"organisation": {"organisation_name": "X"}})
    collection = make_collection_world(project=project, organisation=org_a, lead=users["site_lead"])
    return World(
        org_a,
        org_b,
        users,
        invitation,
        token,
        project,
        checkpoint,
        member,
        action,
        proposal,
        question_token,
        _token_of(draft),
        collection,
    )


def _token_of(row: Any) -> str:
    """The raw token of a link just emailed: read back from the email, as the person would."""
    import re

    from django.core import mail

    path = re.findall(r"/(?:proposals/answer|propose/resume)/([^/\s]+)/", mail.outbox[-1].body)
    assert path, "no link in the last email"
    return path[-1]


def sign_in(client: Client, user: User) -> Client:
    """Sign a test client in; staff also pass two-factor authentication, as they must to see anything."""
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is not None:
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
    return client


@pytest.fixture
def client_as(world: World) -> Any:
    def make(role: str) -> Client:
        client = Client()
        if role == "anonymous":
            return client
        if role == "unverified_manager":
            client.force_login(world.users[role], backend="django.contrib.auth.backends.ModelBackend")
            return client
        return sign_in(client, world.users[role])

    return make
