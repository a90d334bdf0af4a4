from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice

from pine.accounts.models import User
from pine.journey.models import Checkpoint, Project
from pine.programme.seed import ensure_priorities
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory
from tests.journey.factories import make_project


@dataclass
class Setup:
    project: Project
    checkpoint: Checkpoint
    lead: User
    member: User
    dpo: User
    adviser: User
    researcher: User
    other_lead: User


@pytest.fixture
def setup(db: Any) -> Setup:
    """Organisation A's project in stage 2, its checkpoint booked; its team, advisers and another site's lead."""
    ensure_priorities()
    org = OrganisationFactory(name="Hartwell")
    lead = MembershipFactory(organisation=org, role="site_lead", user__full_name="Sarah Bennett").user
    member = MembershipFactory(organisation=org, role="site_member").user
    dpo = MembershipFactory(organisation=org, role="dpo").user
    adviser = UserFactory(programme_role="practice_adviser")
    researcher = UserFactory(programme_role="research_adviser", full_name="Aisha Rahman")
    for user in (adviser, researcher):
        TOTPDevice.objects.create(user=user, name="app", confirmed=True)
    other_lead = MembershipFactory(organisation=OrganisationFactory(name="Elsewhere"), role="site_lead").user
    project, checkpoint, _, _ = make_project(
        organisation=org, practice_adviser=adviser, research_adviser=researcher, lead=lead
    )
    return Setup(project, checkpoint, lead, member, dpo, adviser, researcher, other_lead)
