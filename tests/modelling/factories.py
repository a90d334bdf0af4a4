"""Theories of change, plans and measures for tests, made through the services."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pine.accounts.models import Organisation, User
from pine.journey.models import Project
from pine.modelling import services
from pine.modelling.models import Element, Link, Measure, PlanAnalysis, PlanOutcome, PlanQuestion
from pine.modelling.seed import ensure_measures

MEASURE_DATA: dict[str, Any] = {
    "name": "Hartwell audit tool",
    "measures_what": "Quality of assessments",
    "completed_by": "observer",
    "items": 12,
    "scoring": "Graded 1 to 4",
    "licence": "Our own",
    "cost": "Free",
    "validated": False,
    "source": "Hartwell quality assurance framework",
    "source_url": "",
}


@dataclass
class Model:
    elements: dict[str, Element]
    link: Link


def build_toc(project: Project, actor: User) -> Model:
    """A small, complete theory of change: one of each part, linked from input to impact."""
    rows = [
        ("problem", "Low confidence with domestic abuse"),
        ("population", "Children's social workers"),
        ("input", "Practice educators"),
        ("activity", "Themed workshops"),
        ("output", "Workshops attended"),
        ("outcome_short", "More confidence"),
        ("outcome_medium", "Better assessments"),
        ("outcome_long", "Children safer"),
        ("impact", "Fewer children in care"),
        ("assumption", "Staff are released"),
        ("external", "Staff turnover"),
    ]
    elements = {kind: services.element_add(actor=actor, project=project, kind=kind, text=text) for kind, text in rows}
    chain = ["input", "activity", "output", "outcome_short", "outcome_medium", "outcome_long", "impact"]
    link = None
    for source, target in zip(chain, chain[1:], strict=False):
        made = services.link_add(
            actor=actor, project=project, source_id=elements[source].pk, target_id=elements[target].pk
        )
        link = link or made
    assert link is not None
    return Model(elements, link)


@dataclass
class Plan:
    question: PlanQuestion
    outcome: PlanOutcome
    analysis: PlanAnalysis


def build_plan(project: Project, actor: User, model: Model, *, complete: bool = True) -> Plan:
    ensure_measures()
    measure = Measure.objects.get(name="PINE practice confidence scale")
    confidence = model.elements["outcome_short"]
    question = services.question_save(
        actor=actor, project=project, text="Are social workers more confident?", outcomes=[confidence]
    )
    outcome = services.outcome_save(
        actor=actor,
        project=project,
        outcome=confidence,
        measure=measure,
        reported_by="practitioner",
        time_points=["baseline", "3m"],
        scoring="",
    )
    services.plan_update_section(
        actor=actor,
        project=project,
        section="design",
        data={"design": "pre_post_comparison", "design_reasons": "Everyone takes part; a neighbouring team compares."},
    )
    analysis = services.analysis_save(
        actor=actor,
        project=project,
        question=question,
        outcome=outcome,
        method="ancova",
        groups="compared",
        time_points=["baseline", "3m"],
        notes="",
    )
    if complete:
        import datetime as dt

        services.plan_update_section(
            actor=actor,
            project=project,
            section="participants",
            data={
                "participants": "All 60 social workers",
                "comparison_group": "East team",
                "sample_size_intervention": 60,
                "sample_size_comparison": 45,
            },
        )
        services.plan_update_section(
            actor=actor, project=project, section="data-sources", data={"data_sources": ["surveys"]}
        )
        services.milestone_save(actor=actor, project=project, due=dt.date(2027, 9, 1), what="Baseline survey")
        services.risk_save(actor=actor, project=project, risk="Few answers", mitigation="Reminders")
        services.plan_update_section(actor=actor, project=project, section="sharing", data={"sharing": "A briefing"})
    return Plan(question, outcome, analysis)


@dataclass
class Sample:
    model: Model
    plan: Plan
    programme_measure: Measure
    site_measure: Measure


def modelling_sample(world: Any) -> Sample:
    """The objects the URL walk needs for the modelling pages of organisation A's project (made once per test)."""
    cached = getattr(world, "_modelling_sample", None)
    if cached is not None:
        return cached
    lead = world.users["site_lead"]
    model = build_toc(world.project, lead)
    plan = build_plan(world.project, lead, model)
    organisation: Organisation = world.org_a
    site_measure = services.measure_create(actor=lead, organisation=organisation, data=MEASURE_DATA)
    sample = Sample(model, plan, Measure.objects.filter(organisation__isnull=True).first(), site_measure)  # type: ignore[arg-type]
    world._modelling_sample = sample
    return sample
