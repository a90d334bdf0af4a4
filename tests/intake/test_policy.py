"""Who may see a proposal and record its consultation, tested on the policy itself, without HTTP."""

from __future__ import annotations

from typing import Any

import pytest

from pine.accounts.models import User
from pine.core import policy
from pine.core.policy import Action
from pine.intake import services
from pine.programme.seed import ensure_priorities
from tests.factories import UserFactory
from tests.intake.factories import book, held, make_proposal

pytestmark = pytest.mark.django_db


def verified(user: User) -> User:
    """Staff count only after two-factor authentication: stand in for a session that has passed it."""
    user.is_verified = lambda: True  # type: ignore[attr-defined]
    return user


@pytest.fixture
def people() -> dict[str, Any]:
    ensure_priorities()
    return {
        "manager": verified(UserFactory(programme_role="programme_manager")),
        "invited": verified(UserFactory(programme_role="research_adviser")),
        "assigned": verified(UserFactory(programme_role="practice_adviser")),
        "neither": verified(UserFactory(programme_role="practice_adviser")),
    }


def test_an_invited_adviser_may_see_the_proposal_and_record_the_outcome(people: dict[str, Any]) -> None:
    """Being invited to the booked consultation is enough, without being assigned; others still may not."""
    proposal = make_proposal()
    book(proposal, actor=people["manager"], advisers=[people["invited"]])
    for action in (Action.VIEW_PROPOSAL, Action.RECORD_CONSULTATION):
        assert policy.can(people["invited"], action, proposal)
        assert not policy.can(people["neither"], action, proposal)
    assert list(policy.visible_proposals(people["invited"])) == [proposal]
    assert not policy.visible_proposals(people["neither"]).exists()


def test_invited_advisers_of_a_cancelled_consultation_lose_the_proposal(people: dict[str, Any]) -> None:
    """A cancelled consultation gives its invitees nothing; an assigned adviser keeps the proposal."""
    proposal = make_proposal()
    services.proposal_assign(
        actor=people["manager"],
        proposal=proposal,
        practice_adviser=people["assigned"],
        research_adviser=None,
        triage_notes="",
    )
    consultation = book(proposal, actor=people["manager"], advisers=[people["invited"]])
    services.consultation_cancel(actor=people["manager"], consultation=consultation)
    proposal.refresh_from_db()
    assert not policy.can(people["invited"], Action.VIEW_PROPOSAL, proposal)
    assert not policy.visible_proposals(people["invited"]).exists()
    assert policy.can(people["assigned"], Action.VIEW_PROPOSAL, proposal)


def test_after_the_consultation_its_invitees_still_read_the_proposal_but_record_nothing(
    people: dict[str, Any],
) -> None:
    """Once held, invitees keep reading the proposal; there is no booked consultation left to record."""
    proposal = make_proposal()
    consultation = book(proposal, actor=people["manager"], advisers=[people["invited"]])
    services.consultation_record(
        actor=people["invited"],
        consultation=held(consultation),
        notes="Met.",
        outcome="changes",
        reasons="More detail.",
    )
    proposal.refresh_from_db()
    assert policy.can(people["invited"], Action.VIEW_PROPOSAL, proposal)
    assert not policy.can(people["invited"], Action.RECORD_CONSULTATION, proposal)


def test_each_proposal_is_listed_once_whatever_the_adviser_is_to_it(people: dict[str, Any]) -> None:
    """An adviser both assigned and invited (to a held and a booked consultation) sees the proposal once."""
    proposal = make_proposal()
    services.proposal_assign(
        actor=people["manager"],
        proposal=proposal,
        practice_adviser=people["assigned"],
        research_adviser=None,
        triage_notes="",
    )
    first = book(proposal, actor=people["manager"], advisers=[people["assigned"]])
    services.consultation_record(
        actor=people["assigned"], consultation=held(first), notes="Met.", outcome="changes", reasons="More detail."
    )
    book(proposal, actor=people["manager"], advisers=[people["assigned"]])
    visible = policy.visible_proposals(people["assigned"])
    assert visible.count() == 1 and list(visible) == [proposal]
