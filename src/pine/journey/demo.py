"""Demo projects: one per demo organisation, each at a different stage, with a believable history.

Everything is made through the services (so the audit log and timelines are real), then moved back in time
where a history needs to be in the past (services refuse past meeting dates, as they should).
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from pine.accounts.models import Organisation, User
from pine.journey import services
from pine.journey.models import Action, Checkpoint, Decision, Project, ProjectStage
from pine.programme.models import Priority
from pine.programme.seed import ensure_priorities

WORK = {
    2: "Theory of change agreed with the team: quarterly themed weeks (workshops, reflective group supervision, "
    "case audits) lead to more confident, knowledgeable practice in the theme and better-quality case work.",
    3: "Evaluation plan: pre/post survey of social workers (confidence scale and knowledge quiz) at baseline and "
    "3 months, compared with the neighbouring East Locality team; case audit scores; three focus groups.",
    4: "DPIA screening done with our DPO (no high risk: staff data, pseudonymised); lawful basis public task; "
    "participant information sheet and opt-out agreed; service evaluation, so no REC review needed.",
}


def _user(email: str) -> User:
    return User.objects.get(email=email)


def _decide(
    project: Project,
    number: int,
    *,
    adviser: User,
    lead: User,
    outcome: str,
    reasons: str,
    days_ago: int,
    notes: str,
) -> Checkpoint:
    stage = ProjectStage.objects.get(project=project, number=number)
    if stage.summary_version == 0 and number in WORK:
        services.stage_save_summary(actor=lead, stage=stage, summary=WORK[number], version=0)
        services.stage_mark_guidance_read(actor=lead, stage=stage)
    when = timezone.now() + dt.timedelta(days=1)
    checkpoint = services.checkpoint_request(actor=lead, stage=stage, proposed_times=[when])
    services.checkpoint_schedule(
        actor=adviser, checkpoint=checkpoint, starts_at=when, duration_minutes=60, location="Video call (Teams)"
    )
    services.checkpoint_save_notes(actor=adviser, checkpoint=checkpoint, notes=notes, version=0)
    # The meeting happened `days_ago`: date it so before recording its decision, which must follow it.
    past = (timezone.localtime() - dt.timedelta(days=days_ago)).replace(hour=10, minute=0, second=0, microsecond=0)
    Checkpoint.objects.filter(pk=checkpoint.pk).update(starts_at=past, requested_at=past - dt.timedelta(days=10))
    checkpoint.refresh_from_db(fields=["starts_at", "requested_at"])
    # The demo's early work was agreed on paper before the team entered it in PINE: the checks of what is in
    # PINE fail, and the adviser records why the stage proceeds anyway.
    override = "" if outcome != "proceed" else "Agreed at the meeting from the team's paper copy; they are entering it."
    services.decision_record(
        actor=adviser, checkpoint=checkpoint, outcome=outcome, reasons=reasons, override_reason=override
    )
    Decision.objects.filter(checkpoint=checkpoint).update(decided_at=past + dt.timedelta(hours=1))
    ProjectStage.objects.filter(project=project, number=number, completed_at__isnull=False).update(
        completed_at=past + dt.timedelta(hours=1)
    )
    return checkpoint


@transaction.atomic
def load_journey_demo() -> None:
    if Checkpoint.objects.exists():  # the journeys are there already
        return
    ensure_priorities()
    manager = _user("manager@pine.example")
    tom, helen = _user("practice.adviser@pine.example"), _user("practice.adviser2@pine.example")
    aisha, gareth = _user("research.adviser@pine.example"), _user("research.adviser2@pine.example")
    priorities = {p.name.split(" ")[0].lower(): p for p in Priority.objects.all()}

    # London Borough of Hartwell: collecting data, after four checkpoints (one asked for revisions).
    lead, member = _user("lead@hartwell.example"), _user("member@hartwell.example")
    # Its project was created when the intake demo accepted its proposal; without intake, it is made here.
    hartwell = Project.objects.filter(
        organisation__name="London Borough of Hartwell"
    ).first() or services.project_create(
        actor=manager,
        organisation=Organisation.objects.get(name="London Borough of Hartwell"),
        title="Thematic practice weeks",
        intervention_summary=(
            "Once a quarter, children's social workers spend a week focused on one practice theme, such as domestic "
            "abuse or risk and decision-making: workshops, reflective group supervision and case audits."
        ),
        priorities=[priorities["the"], priorities["domestic"], priorities["risk"]],
        practice_adviser=tom,
        research_adviser=aisha,
        initial_consultation_done=True,
    )
    services.project_member_add(actor=lead, project=hartwell, user=lead, role="project_lead")
    services.project_member_add(actor=lead, project=hartwell, user=member, role="data_lead")
    services.project_update(
        actor=lead,
        project=hartwell,
        data={
            "start_date": timezone.localdate() - dt.timedelta(days=270),
            "expected_end_date": timezone.localdate() + dt.timedelta(days=180),
            "public_summary": "Hartwell is testing whether quarterly themed practice weeks build social workers' "
            "confidence and knowledge, and improve the quality of their casework.",
        },
    )
    services.public_summary_approve(actor=manager, project=hartwell)
    _decide(
        hartwell,
        2,
        adviser=tom,
        lead=lead,
        outcome="proceed",
        reasons="A clear, testable model.",
        days_ago=200,
        notes="Walked through the theory of change. Agreed the short-term outcomes are confidence and knowledge.",
    )
    first = _decide(
        hartwell,
        3,
        adviser=aisha,
        lead=lead,
        outcome="revise",
        days_ago=150,
        reasons="Add a comparison group, and say how many social workers you expect to take part.",
        notes="The pre/post design alone cannot separate the weeks from change over time.",
    )
    services.action_create(
        actor=aisha,
        project=hartwell,
        checkpoint=first,
        owner=member,
        description="Ask East Locality to act as the comparison team",
        due_date=timezone.localdate(),
    )
    _decide(
        hartwell,
        3,
        adviser=aisha,
        lead=lead,
        outcome="proceed",
        reasons="Sound plan with a comparison team.",
        days_ago=120,
        notes="Comparison team agreed. Sample of about 60 and 45 social workers.",
    )
    data_protection = _decide(
        hartwell,
        4,
        adviser=tom,
        lead=lead,
        outcome="proceed",
        reasons="Safe to collect.",
        days_ago=60,
        notes="DPO present. Screening shows no need for a full DPIA.",
    )
    done = services.action_create(
        actor=tom,
        project=hartwell,
        checkpoint=data_protection,
        owner=lead,
        description="Send the participant information sheet to all social workers",
        due_date=timezone.localdate(),
    )
    services.action_set_done(actor=lead, action=done, done=True)
    Action.objects.filter(project=hartwell, status="open").update(due_date=timezone.localdate() - dt.timedelta(days=9))
    services.action_create(
        actor=tom,
        project=hartwell,
        owner=member,
        description="Send the 3-month survey reminder to the intervention teams",
        due_date=timezone.localdate() + dt.timedelta(days=1),
    )

    # Northshire County Council: planning, checkpoint requested and waiting to be booked.
    lead = _user("lead@northshire.example")
    northshire = services.project_create(
        actor=manager,
        organisation=Organisation.objects.get(name="Northshire County Council"),
        title="Family group conferences at pre-proceedings",
        intervention_summary="Offering every family at the pre-proceedings stage a family group conference.",
        priorities=[priorities["risk"]],
        practice_adviser=helen,
        research_adviser=gareth,
        initial_consultation_done=True,
    )
    services.project_member_add(actor=lead, project=northshire, user=lead, role="project_lead")
    _decide(
        northshire,
        2,
        adviser=helen,
        lead=lead,
        outcome="proceed",
        reasons="Good model.",
        days_ago=30,
        notes="Agreed the outcomes: fewer care proceedings, family plans in place.",
    )
    stage = ProjectStage.objects.get(project=northshire, number=3)
    services.stage_save_summary(
        actor=lead, stage=stage, summary="Draft plan using routine data on proceedings.", version=0
    )
    services.checkpoint_request(
        actor=lead,
        stage=stage,
        message="Any afternoon suits us.",
        proposed_times=[timezone.now() + dt.timedelta(days=d, hours=3) for d in (8, 9, 12)],
    )

    # Brightpath Children's Charity: describing the intervention, checkpoint booked for next week.
    lead = _user("lead@brightpath.example")
    brightpath = services.project_create(
        actor=manager,
        organisation=Organisation.objects.get(name="Brightpath Children's Charity"),
        title="Wellbeing circles for residential care staff",
        intervention_summary="Monthly peer support circles for staff in the charity's three children's homes.",
        priorities=[priorities["residential"], priorities["the"]],
        practice_adviser=tom,
        research_adviser=gareth,
        initial_consultation_done=True,
    )
    services.project_member_add(actor=lead, project=brightpath, user=lead, role="project_lead")
    stage = ProjectStage.objects.get(project=brightpath, number=2)
    services.stage_save_summary(
        actor=lead, stage=stage, version=0, summary="A first theory of change: circles reduce stress and turnover."
    )
    checkpoint = services.checkpoint_request(
        actor=lead, stage=stage, proposed_times=[timezone.now() + dt.timedelta(days=6)]
    )
    services.checkpoint_schedule(
        actor=tom,
        checkpoint=checkpoint,
        starts_at=timezone.now() + dt.timedelta(days=6),
        duration_minutes=60,
        location="Brightpath office, Manchester",
    )
    services.project_update(
        actor=lead,
        project=brightpath,
        data={
            "public_summary": "Brightpath is finding out whether monthly wellbeing circles help staff in its "
            "children's homes stay well and stay in their jobs.",
        },
    )
    # The history above happened over months: date the projects' activity accordingly.
    for project, days in ((hartwell, 2), (northshire, 30), (brightpath, 1)):
        Project.objects.filter(pk=project.pk).update(last_activity_at=timezone.now() - dt.timedelta(days=days))
    ProjectStage.objects.filter(project=northshire, number=3).update(opened_at=timezone.now() - dt.timedelta(days=30))
