"""Demo theories of change and plans: Hartwell's complete and registered, Northshire's in progress.

Made through the services (so versions, checks and the audit log are real), after the journey demo; the
checkpoint decisions the journey demo recorded are then linked as the services' proceed hooks would have.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone

from pine.accounts.models import User
from pine.journey.models import Decision, Project
from pine.modelling import services
from pine.modelling.models import Element, Measure, PlanVersion, TheoryOfChange, ToCVersion
from pine.modelling.seed import ensure_measures

HARTWELL_TOC: list[tuple[str, str]] = [
    (
        "problem",
        "Social workers say they lack confidence with domestic abuse and with risk; audits show uneven "
        "quality of assessments.",
    ),
    ("population", "Children's social workers in Hartwell's four assessment and child protection teams."),
    ("input", "Practice educators' time to plan and run each themed week"),
    ("input", "Protected time: caseload cover for the week"),
    ("activity", "Themed workshops with specialists each quarter"),
    ("activity", "Reflective group supervision on the theme"),
    ("activity", "Case audits of the theme with feedback"),
    ("output", "Social workers attend four themed weeks a year"),
    ("output", "Each social worker has two cases audited on the theme"),
    ("outcome_short", "More confidence in working with the theme"),
    ("outcome_short", "More knowledge of the theme and of local services"),
    ("outcome_medium", "Better quality assessments and plans"),
    ("outcome_long", "Children are safer at home"),
    ("impact", "Fewer children need to come into care"),
    ("assumption", "Managers release staff for the whole week"),
    ("assumption", "What is learned in the week is used in everyday casework"),
    ("external", "Staff turnover and agency staff"),
    ("external", "An Ofsted inspection during the evaluation"),
]
HARTWELL_LINKS = [
    (2, 4), (3, 4), (3, 5), (3, 6), (4, 7), (5, 7), (6, 8), (7, 9), (7, 10), (8, 11), (9, 11), (10, 11), (11, 12),
    (12, 13),
]  # fmt: skip

NORTHSHIRE_TOC: list[tuple[str, str]] = [
    (
        "problem",
        "Many families at the pre-proceedings stage go on to care proceedings without their wider family "
        "being asked to help.",
    ),
    ("population", "Families whose children are subject to the pre-proceedings stage of the Public Law Outline."),
    ("input", "Independent family group conference coordinators"),
    ("activity", "Offer every family a family group conference"),
    ("activity", "Private family time to make a plan"),
    ("output", "Family plans agreed at the conference"),
    ("outcome_short", "Wider family involved in keeping the child safe"),
    ("outcome_medium", "Fewer families go on to care proceedings"),
    ("outcome_long", "More children stay safely within their family network"),
    ("impact", "Fewer children in care"),
    ("assumption", "Families take up the offer"),
]
NORTHSHIRE_LINKS = [(2, 3), (3, 5), (4, 5), (5, 6), (6, 7), (7, 8), (8, 9)]


def _build_toc(
    project: Project, lead: User, rows: list[tuple[str, str]], links: list[tuple[int, int]]
) -> list[Element]:
    elements = [services.element_add(actor=lead, project=project, kind=kind, text=text) for kind, text in rows]
    for source, target in links:
        services.link_add(actor=lead, project=project, source_id=elements[source].pk, target_id=elements[target].pk)
    return elements


def _decision(project: Project, stage: int) -> Decision | None:
    return (
        Decision.objects.filter(project=project, stage_number=stage, outcome="proceed").order_by("-decided_at").first()
    )


def _backdate(project: Project, before: dt.datetime, *, plan: bool = False) -> None:
    """The versions were made in the days before the checkpoint, not today."""
    for model, field in ((PlanVersion, "plan__project"),) if plan else ((ToCVersion, "toc__project"),):
        rows = list(model.objects.filter(**{field: project}).order_by("number"))
        for index, row in enumerate(rows):
            created = before - dt.timedelta(days=len(rows) - index, hours=2)
            model.objects.filter(pk=row.pk).update(created_at=created)


def _measure(name: str) -> Measure:
    return Measure.objects.get(name=name, organisation__isnull=True)


def _hartwell(project: Project) -> None:
    lead = User.objects.get(email="lead@hartwell.example")
    elements = _build_toc(project, lead, HARTWELL_TOC, HARTWELL_LINKS)
    approving = _decision(project, 2)
    if approving is not None:
        _backdate(project, approving.decided_at)
        services.toc_approve(decision=approving, actor=approving.decided_by)
    confidence, knowledge, quality = elements[9], elements[10], elements[11]
    plan: dict[str, Any] = {"actor": lead, "project": project}
    q1 = services.question_save(
        **plan,
        text="Do social workers who take part in the themed weeks become more confident in the theme than "
        "social workers in the East Locality team?",
        outcomes=[confidence],
    )
    q2 = services.question_save(
        **plan,
        text="Do their practice skills and knowledge improve more than the comparison team's?",
        outcomes=[knowledge, quality],
    )
    q3 = services.question_save(
        **plan,
        text="How do social workers experience the themed weeks, and what helps them use what they learn?",
        outcomes=[confidence, quality],
    )
    o1 = services.outcome_save(
        **plan,
        outcome=confidence,
        measure=_measure("PINE practice confidence scale"),
        reported_by="practitioner",
        time_points=["baseline", "3m"],
        scoring="Average of the eight items, 1 to 5; valid with at least six items answered.",
    )
    o2 = services.outcome_save(
        **plan,
        outcome=knowledge,
        measure=_measure("PINE practice skills self-assessment"),
        reported_by="practitioner",
        time_points=["baseline", "3m"],
        scoring="Average of the six items, 1 to 5.",
    )
    services.plan_update_section(
        **plan,
        section="design",
        data={
            "design": "mixed",
            "mixed_quantitative_design": "pre_post_comparison",
            "design_reasons": "Every social worker in the four teams takes part, so nobody can be randomly left out. "
            "The East Locality team, which starts themed weeks a year later, is measured at the same times as a "
            "comparison. Interviews explain how the weeks work and what gets in the way.",
        },
    )
    services.plan_update_section(
        **plan,
        section="participants",
        data={
            "participants": "All 60 social workers in the four intervention teams are invited by email to the "
            "surveys; taking part is voluntary. Twelve are invited to interviews, chosen to include newly qualified "
            "and experienced staff from each team.",
            "comparison_group": "The 45 social workers of the East Locality team, who start themed weeks a year later.",
            "sample_size_intervention": 60,
            "sample_size_comparison": 45,
            "sample_size_basis": "The teams' sizes are fixed. With 60 and 45 social workers, a two-sided test at "
            "0.05 has an 80% chance of detecting a difference of about 0.55 standard deviations; with 20% drop-out, "
            "about 0.62. Smaller effects may be missed, so results are reported with confidence intervals.",
        },
    )
    services.plan_update_section(
        **plan,
        section="data-sources",
        data={
            "data_sources": ["surveys", "interviews"],
            "data_sources_detail": "Online surveys at baseline and 3 months; interviews by the data lead, recorded "
            "and transcribed with consent.",
        },
    )
    services.analysis_save(
        **plan, question=q1, outcome=o1, method="ancova", groups="compared", time_points=["baseline", "3m"],
        notes="Confidence at 3 months, allowing for baseline confidence and team.",
    )  # fmt: skip
    services.analysis_save(
        **plan, question=q2, outcome=o2, method="did", groups="compared", time_points=["baseline", "3m"], notes=""
    )
    services.analysis_save(
        **plan, question=q3, outcome=None, method="thematic", groups="none", time_points=[], notes="Framework "
        "analysis, coded by two people, agreement checked on four transcripts."
    )  # fmt: skip
    start = (project.start_date or timezone.localdate()) + dt.timedelta(days=30)
    for days, what in (
        (0, "Baseline survey sent to both teams"),
        (14, "First themed week"),
        (105, "3-month follow-up survey"),
        (120, "Interviews"),
        (180, "Analysis and report draft"),
    ):
        services.milestone_save(**plan, due=start + dt.timedelta(days=days), what=what)
    services.risk_save(
        **plan,
        risk="Few social workers answer the follow-up survey",
        mitigation="Protected time in team meetings to answer; two reminders; managers champion it.",
    )
    services.risk_save(
        **plan,
        risk="The comparison team starts its own training",
        mitigation="Agreed with East Locality's manager; we record any training they receive.",
    )
    services.plan_update_section(
        **plan,
        section="sharing",
        data={
            "sharing": "A practice week on the findings for all staff; a briefing for the leadership team; the "
            "programme's public page; a short summary for the social work practice network."
        },
    )
    registering = _decision(project, 3)
    if registering is not None:
        _backdate(project, registering.decided_at - dt.timedelta(days=3), plan=True)
        services.plan_register(decision=registering, actor=registering.decided_by)
        # One change after registration, with its reason: the report lists it as a deviation.
        services.outcome_save(
            **plan,
            outcome_id=o1.pk,
            outcome=confidence,
            measure=o1.measure,
            reported_by="practitioner",
            time_points=["baseline", "3m", "6m"],
            scoring=o1.scoring,
            reason="The second themed week moved to month four, so a 6-month survey was added to see whether "
            "confidence lasts.",
        )


def _northshire(project: Project) -> None:
    lead = User.objects.get(email="lead@northshire.example")
    elements = _build_toc(project, lead, NORTHSHIRE_TOC, NORTHSHIRE_LINKS)
    approving = _decision(project, 2)
    if approving is not None:
        _backdate(project, approving.decided_at)
        services.toc_approve(decision=approving, actor=approving.decided_by)
    plan: dict[str, Any] = {"actor": lead, "project": project}
    proceedings = elements[7]
    question = services.question_save(
        **plan,
        text="Did fewer families at pre-proceedings go on to care proceedings after every family was offered a "
        "family group conference?",
        outcomes=[proceedings],
    )
    services.question_save(
        **plan,
        text="How did families experience the conferences?",
        outcomes=[elements[6]],
    )
    outcome = services.outcome_save(
        **plan,
        outcome=proceedings,
        measure=_measure("Routine children's social care data (children in need census measures)"),
        reported_by="records",
        time_points=["routine"],
        scoring="Monthly percentage of families at pre-proceedings who are issued with care proceedings within 6 "
        "months.",
    )
    services.plan_update_section(
        **plan,
        section="design",
        data={
            "design": "its",
            "design_reasons": "Every family is offered a conference from April, so there is no comparison group. "
            "Three years of monthly data before April give the trend to compare against.",
        },
    )
    services.analysis_save(
        **plan, question=question, outcome=outcome, method="regression", groups="none", time_points=["routine"],
        notes="Segmented regression: level and trend before and after April.",
    )  # fmt: skip
    services.plan_update_section(
        **plan,
        section="data-sources",
        data={"data_sources": ["routine", "case_records"], "data_sources_detail": ""},
    )


@transaction.atomic
def load_modelling_demo() -> None:
    ensure_measures()
    hartwell = Project.objects.filter(title="Thematic practice weeks").first()
    northshire = Project.objects.filter(title="Family group conferences at pre-proceedings").first()
    if hartwell is None or northshire is None or TheoryOfChange.objects.filter(project=hartwell).exists():
        return
    _hartwell(hartwell)
    _northshire(northshire)
    brightpath = Project.objects.filter(title="Wellbeing circles for residential care staff").first()
    if brightpath is not None:
        lead = User.objects.get(email="lead@brightpath.example")
        rows: list[tuple[str, Any]] = [
            ("activity", "Monthly peer support circles in each home"),
            ("outcome_short", "Staff feel less stressed"),
            ("outcome_medium", "Staff stay in their jobs"),
        ]
        elements = _build_toc(brightpath, lead, rows, [(0, 1), (1, 2)])
        assert elements
