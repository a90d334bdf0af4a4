"""Demo proposals: one in every status, and Hartwell's thematic practice weeks accepted after its consultation.

Made through the services, so the audit log, the emails kept on each proposal and the project created on
acceptance are real; dates are then moved back so the queue and the dashboard show months of history.
"""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Any

from django.db import transaction
from django.utils import timezone

from pine.accounts.models import User
from pine.intake import services
from pine.intake.models import Consultation, Proposal
from pine.programme.models import Priority
from pine.programme.seed import ensure_priorities

HARTWELL = {
    "organisation_name": "London Borough of Hartwell",
    "organisation_kind": "local_authority",
    "organisation_region": "london",
    "contact_name": "Sarah Bennett",
    "contact_role": "Principal social worker",
    "contact_email": "lead@hartwell.example",
    "contact_phone": "020 7946 0102",
    "intervention_name": "Thematic practice weeks",
    "intervention_what": (
        "Once a quarter, children's social workers spend a week focused on one practice theme, such as domestic "
        "abuse or risk and decision-making: workshops, reflective group supervision and case audits."
    ),
    "intervention_who": "Social workers in the borough's four locality teams, about 60 people.",
    "intervention_why": (
        "Focused time on one theme, with supervision that links learning to live cases, should build confidence "
        "and knowledge that carries into everyday practice."
    ),
    "intervention_stage": "pilot",
    "involves_under_ones": False,
    "involves_male_carers": False,
    "want_to_find_out": "Whether social workers feel more confident and know more, and whether case work improves.",
    "data_already_collected": "Annual staff survey; quarterly case audits.",
    "timescale": "Three themed weeks over the next year",
    "heard_about": "The programme's webinar for principal social workers",
}

# (answers, priority name prefixes, days since sent)
OTHERS: list[tuple[dict[str, Any], list[str], int]] = [
    (
        {
            "organisation_name": "Westbrook Borough Council",
            "organisation_kind": "local_authority",
            "organisation_region": "west_midlands",
            "contact_name": "Jo Carter",
            "contact_role": "Service manager, early help",
            "contact_email": "jo.carter@westbrook.example",
            "intervention_name": "Dads matter groups",
            "intervention_what": "Weekly groups for fathers and male carers of babies on child protection plans.",
            "intervention_who": "Fathers and male carers of children under one.",
            "intervention_why": "Fathers who feel included are more likely to engage with safety plans.",
            "intervention_stage": "idea",
            "involves_under_ones": True,
            "involves_male_carers": True,
            "want_to_find_out": "Whether fathers engage more with child protection plans.",
            "timescale": "Starting in the spring",
        },
        ["Safeguarding", "Domestic"],
        3,
    ),
    (
        {
            "organisation_name": "Eastmoor City Council",
            "organisation_kind": "local_authority",
            "organisation_region": "yorkshire",
            "contact_name": "Ravi Patel",
            "contact_role": "Practice development lead",
            "contact_email": "ravi.patel@eastmoor.example",
            "intervention_name": "Thematic practice fortnights",
            "intervention_what": "Two weeks twice a year of learning on one theme for the whole children's service.",
            "intervention_who": "Social workers and family support workers.",
            "intervention_why": "Shared learning across roles builds a common language about risk.",
            "intervention_stage": "pilot",
            "want_to_find_out": "Whether staff make more consistent decisions about risk.",
            "timescale": "This financial year",
        },
        ["The children", "Risk"],
        12,
    ),
    (
        {
            "organisation_name": "Harbour Lights Trust",
            "organisation_kind": "charity",
            "organisation_region": "south_west",
            "contact_name": "Megan Doyle",
            "contact_role": "Head of therapeutic services",
            "contact_email": "megan.doyle@harbourlights.example",
            "intervention_name": "Therapeutic life story work in children's homes",
            "intervention_what": "Key workers trained to do life story work with each young person, monthly.",
            "intervention_who": "Young people aged 11 to 17 in our four children's homes.",
            "intervention_why": "Understanding their own story helps young people feel settled and safe.",
            "intervention_stage": "established",
            "want_to_find_out": "Whether young people's wellbeing and placement stability improve.",
            "data_already_collected": "Strengths and Difficulties Questionnaires every six months.",
            "timescale": "Two years",
        },
        ["Residential", "Children and"],
        40,
    ),
    (
        {
            "organisation_name": "Northvale NHS Foundation Trust",
            "organisation_kind": "nhs_trust",
            "organisation_region": "north_east",
            "contact_name": "Dr Helen Ashby",
            "contact_role": "Consultant clinical psychologist",
            "contact_email": "helen.ashby@northvale.example",
            "intervention_name": "Joint mental health consultation for social workers",
            "intervention_what": "A CAMHS clinician joins each team's case consultation once a fortnight.",
            "intervention_who": "Social workers holding cases of children with mental health needs.",
            "intervention_why": "Earlier, shared formulation should mean better-targeted referrals.",
            "intervention_stage": "pilot",
            "want_to_find_out": "Whether referrals to CAMHS are more often accepted.",
            "timescale": "Twelve months from January",
        },
        ["Children and"],
        75,
    ),
    (
        {
            "organisation_name": "Southgate Family Support",
            "organisation_kind": "other",
            "organisation_region": "south_east",
            "contact_name": "Alan Brooks",
            "contact_role": "Director",
            "contact_email": "alan.brooks@southgate.example",
            "intervention_name": "Parenting app pilot",
            "intervention_what": "A commercial parenting app offered to families.",
            "intervention_who": "Any family that wants it.",
            "intervention_why": "Parents like apps.",
            "intervention_stage": "idea",
            "want_to_find_out": "How many downloads we get.",
            "timescale": "Unknown",
        },
        [],
        130,
    ),
    (
        {
            "organisation_name": "Riverside Borough Council",
            "organisation_kind": "local_authority",
            "organisation_region": "london",
            "contact_name": "Grace Thompson",
            "contact_role": "Team manager",
            "contact_email": "grace.thompson@riverside.example",
            "intervention_name": "Domestic abuse champions in assessment teams",
            "intervention_what": "One trained champion per team who advises colleagues on domestic abuse cases.",
            "intervention_who": "Assessment social workers.",
            "intervention_why": "Expert advice close at hand leads to safer plans.",
            "intervention_stage": "pilot",
            "want_to_find_out": "Whether safety planning improves.",
            "timescale": "Six months",
        },
        ["Domestic"],
        100,
    ),
]


def _user(email: str) -> User:
    return User.objects.get(email=email)


def _send(answers: dict[str, Any], priority_prefixes: list[str]) -> Proposal:
    priorities = [p for p in Priority.objects.all() if any(p.name.startswith(x) for x in priority_prefixes)]
    return services.proposal_submit(
        answers={
            "contact_phone": "",
            "data_already_collected": "",
            "heard_about": "",
            **answers,
            "involves_under_ones": answers.get("involves_under_ones", False),
            "involves_male_carers": answers.get("involves_male_carers", False),
        },
        priorities=priorities,
        submission_key=secrets.token_hex(16),
        address=None,
    )


def _backdate(proposal: Proposal, *, days: int, decided_after: int | None = None) -> None:
    sent = timezone.now() - dt.timedelta(days=days)
    changes: dict[str, Any] = {"submitted_at": sent}
    if decided_after is not None:
        changes["decided_at"] = sent + dt.timedelta(days=decided_after)
    Proposal.objects.filter(pk=proposal.pk).update(**changes)
    proposal.emails.update(sent_at=sent)


def _book(proposal: Proposal, *, manager: User, advisers: list[User], days: int, location: str) -> Consultation:
    return services.consultation_book(
        actor=manager,
        proposal=proposal,
        starts_at=(timezone.localtime() + dt.timedelta(days=days)).replace(hour=10, minute=0, second=0, microsecond=0),
        duration_minutes=60,
        location=location,
        advisers=advisers,
    )


@transaction.atomic
def load_intake_demo() -> None:
    """Proposals in every status. Hartwell's project is created here, by accepting its proposal."""
    if Proposal.objects.exists():
        return
    ensure_priorities()
    manager = _user("manager@pine.example")
    tom, helen = _user("practice.adviser@pine.example"), _user("practice.adviser2@pine.example")
    aisha, gareth = _user("research.adviser@pine.example"), _user("research.adviser2@pine.example")

    # Accepted: Hartwell, nine months ago. Its consultation creates the project the journey demo carries on.
    hartwell = _send(HARTWELL, ["The children", "Domestic", "Risk"])
    services.proposal_assign(
        actor=manager,
        proposal=hartwell,
        practice_adviser=tom,
        research_adviser=aisha,
        triage_notes="Strong fit with the workforce priority. Ask about a comparison team.",
    )
    consultation = _book(hartwell, manager=manager, advisers=[tom, aisha], days=1, location="Video call (Teams)")
    # Held (its outcome may only follow it); the dates are set back nine months below.
    Consultation.objects.filter(pk=consultation.pk).update(starts_at=timezone.now() - dt.timedelta(hours=1))
    consultation.refresh_from_db()
    services.consultation_record(
        actor=tom,
        consultation=consultation,
        notes="Agreed scope: social worker confidence and knowledge, case audit quality. Suggested a comparison "
        "team from East Locality. Sarah Bennett to lead; Daniel Kowalski to manage the data.",
        outcome="accept",
        reasons="",
    )
    _backdate(hartwell, days=290, decided_after=14)
    Consultation.objects.filter(pk=consultation.pk).update(
        starts_at=timezone.now() - dt.timedelta(days=276), recorded_at=timezone.now() - dt.timedelta(days=276)
    )

    westbrook, eastmoor, harbour, northvale, southgate, riverside = (_send(a, p) for a, p, _ in OTHERS)

    # New: sent this week, not yet looked at; and a similar intervention to Hartwell's (flagged).
    _backdate(westbrook, days=3)
    _backdate(eastmoor, days=12)

    # More information requested: the team asked a question that is not yet answered.
    services.proposal_assign(
        actor=manager,
        proposal=harbour,
        practice_adviser=helen,
        research_adviser=gareth,
        triage_notes="Residential priority. Which homes, and how many young people?",
    )
    services.proposal_request_information(
        actor=manager,
        proposal=harbour,
        question="How many young people live in the four homes, and do you have consent arrangements for "
        "sharing their questionnaire scores?",
    )
    _backdate(harbour, days=40)

    # Consultation booked for next week.
    services.proposal_assign(
        actor=manager,
        proposal=northvale,
        practice_adviser=helen,
        research_adviser=aisha,
        triage_notes="Mental health priority; NHS partner.",
    )
    _book(northvale, manager=manager, advisers=[helen, aisha], days=6, location="https://meet.example/pine-northvale")
    _backdate(northvale, days=75)

    # Declined: outside the programme's scope.
    services.proposal_decline(
        actor=manager,
        proposal=southgate,
        reason="Not an intervention in children's social care; no link to the priorities.",
        message=services.decline_message(southgate, "The app is not part of a children's social care service."),
    )
    _backdate(southgate, days=130, decided_after=9)

    # Withdrawn by the site after triage.
    services.proposal_withdraw(
        actor=manager, proposal=riverside, reason="The team manager left; they will propose again next year."
    )
    _backdate(riverside, days=100, decided_after=20)
