"""Checks that help before a checkpoint: gaps in the theory of change, and an evaluation plan's problems.

Each problem says what is wrong in plain words and where to fix it. They advise; the advisers decide.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from pine.modelling.models import CHAIN, OUTCOMES, DataSource, Design, ElementKind, TimePoint
from pine.modelling.vocabulary import METHODS, design_allows, design_has_groups


@dataclass(frozen=True)
class Problem:
    message: str
    section: str = ""
    href: str = ""


# Theory of change


def toc_problems(snapshot: dict[str, Any], *, measured: set[int] | None = None) -> list[Problem]:
    """Gaps in a theory of change snapshot. `measured` is the set of outcome ids the plan measures, once a plan
    exists (None before)."""
    elements = snapshot.get("elements", [])
    by_id = {e["id"]: e for e in elements}
    kinds = {e["kind"] for e in elements}
    problems: list[Problem] = []
    for kind, what in (
        (ElementKind.PROBLEM, "Describe the problem and its context"),
        (ElementKind.POPULATION, "Say who the intervention is for"),
        (ElementKind.ACTIVITY, "Add the activities: what the intervention does"),
        (ElementKind.SHORT, "Add at least one short-term outcome: what changes first"),
    ):
        if kind not in kinds:
            problems.append(Problem(f"{what}.", kind))
    if elements and ElementKind.ASSUMPTION not in kinds:
        problems.append(Problem("Write down the assumptions the model relies on.", ElementKind.ASSUMPTION))

    outgoing: dict[int, set[int]] = {}
    for link in snapshot.get("links", []):
        if link["source"] in by_id and link["target"] in by_id:
            outgoing.setdefault(link["source"], set()).add(link["target"])
    reached: set[int] = set()
    frontier = [e["id"] for e in elements if e["kind"] == ElementKind.ACTIVITY]
    while frontier:
        current = frontier.pop()
        for following in outgoing.get(current, ()):
            if following not in reached:
                reached.add(following)
                frontier.append(following)
    for element in elements:
        if element["kind"] == ElementKind.ACTIVITY and not outgoing.get(element["id"]):
            problems.append(
                Problem(f"The activity '{element['text']}' leads nowhere: link it to what it produces.", "links")
            )
    for element in elements:
        if element["kind"] in OUTCOMES and element["id"] not in reached:
            problems.append(
                Problem(
                    f"No activity leads to the outcome '{element['text']}': link it to what brings it about.", "links"
                )
            )
    if measured is not None:
        for element in elements:
            if element["kind"] in OUTCOMES and element["id"] not in measured:
                problems.append(
                    Problem(f"Nothing in the evaluation plan will measure the outcome '{element['text']}'.", "plan")
                )
    return problems


def link_problem(source_kind: str, target_kind: str) -> str | None:
    """Why a link from one kind of element to another is not allowed, or None."""
    if source_kind not in CHAIN or target_kind not in CHAIN:
        return (
            "Links join the columns of the diagram (inputs, activities, outputs, outcomes and impact); "
            "the problem, the people it is for, assumptions and external factors are not linked."
        )
    if CHAIN.index(target_kind) <= CHAIN.index(source_kind):
        return (
            f"{ElementKind(source_kind).label} lead to later columns, not to {ElementKind(target_kind).label.lower()}: "
            "a link runs from left to right, from inputs towards impact."
        )
    return None


# Evaluation plan


def analysis_problems(
    *,
    method: str,
    groups: str,
    time_points: list[str],
    outcome_time_points: list[str] | None,
    design: str,
    quantitative_design: str,
) -> list[tuple[str, str]]:
    """(field, message) for each way a planned analysis does not fit its method, its outcome or the design."""
    found: list[tuple[str, str]] = []
    spec = METHODS.get(method)
    if spec is None:
        return [("method", "Choose an analysis from the list")]
    misfit = design_allows(design, quantitative_design, spec)
    if misfit:
        found.append(("method", misfit))
    if spec.quantitative and outcome_time_points is None:
        found.append(("outcome", "Choose the outcome this analysis uses"))
    if spec.groups is True and groups != "compared":
        found.append(("groups", "This analysis compares the intervention and comparison groups: choose that"))
    if spec.groups is False and groups == "compared":
        found.append(("groups", "This analysis follows the same people over time: choose everyone together"))
    if groups == "compared" and design and not design_has_groups(quantitative_design):
        found.append(("groups", "The design has no comparison group to compare with"))
    if spec.time_points is not None and spec.quantitative and len(time_points) != spec.time_points:
        times = "one time point" if spec.time_points == 1 else f"{spec.time_points} time points"
        found.append(("time_points", f"This analysis uses {times}: select {times}"))
    elif spec.quantitative and not time_points:
        found.append(("time_points", "Select when the outcome is measured for this analysis"))
    if spec.needs_baseline and TimePoint.BASELINE not in time_points:
        found.append(("time_points", "This analysis allows for the baseline: include the baseline"))
    if outcome_time_points is not None:
        missing = [TimePoint(t).label.lower() for t in time_points if t not in outcome_time_points]
        if missing:
            found.append(
                ("time_points", f"The outcome is not measured at {', '.join(missing)}: add it to the outcome first")
            )
    return found


def plan_problems(plan: Any, *, toc_outcome_ids: Iterable[int] = ()) -> list[Problem]:
    """Everything a research adviser would ask about before signing the plan off. `plan` has its related rows
    prefetched by selectors.plan_detail."""
    problems: list[Problem] = []
    questions = list(plan.questions.all())
    outcomes = list(plan.outcomes.all())
    analyses = list(plan.analyses.all())
    quantitative = plan.design not in {"", Design.QUALITATIVE}
    if not questions:
        problems.append(Problem("Add at least one evaluation question.", "questions"))
    for question in questions:
        if not list(question.outcomes.all()):
            problems.append(
                Problem(f"Link the question '{question.text}' to outcomes of the theory of change.", "questions")
            )
        if not [a for a in analyses if a.question_id == question.pk]:
            problems.append(Problem(f"Plan an analysis for the question '{question.text}'.", "analyses"))
    if quantitative and not outcomes:
        problems.append(Problem("Say which outcomes you will measure, and how.", "outcomes"))
    comparison = design_has_groups(plan.quantitative_design)
    for outcome in outcomes:
        if not outcome.time_points:
            problems.append(Problem(f"Say when '{outcome.outcome.text}' will be measured.", "outcomes"))
        elif (
            comparison or plan.quantitative_design == Design.PRE_POST
        ) and TimePoint.BASELINE not in outcome.time_points:
            problems.append(
                Problem(f"Measure '{outcome.outcome.text}' at baseline, before the intervention starts.", "outcomes")
            )
        if outcome.outcome_id not in set(toc_outcome_ids):
            problems.append(
                Problem(f"'{outcome.outcome.text}' is no longer an outcome in the theory of change.", "outcomes")
            )
    if not plan.design:
        problems.append(Problem("Choose the design of the evaluation.", "design"))
    else:
        if plan.design == Design.MIXED and not plan.mixed_quantitative_design:
            problems.append(Problem("Say which design the numbers part of the mixed methods uses.", "design"))
        if not plan.design_reasons.strip():
            problems.append(Problem("Give the reasons for choosing this design.", "design"))
    for analysis in analyses:
        for _, message in analysis_problems(
            method=analysis.method,
            groups=analysis.groups,
            time_points=analysis.time_points,
            outcome_time_points=analysis.outcome.time_points if analysis.outcome else None,
            design=plan.design,
            quantitative_design=plan.quantitative_design,
        ):
            problems.append(Problem(f"Analysis for '{analysis.question.text}': {message}.", "analyses"))
    if not plan.participants.strip():
        problems.append(Problem("Describe who will take part and how they will be recruited.", "participants"))
    if quantitative and plan.quantitative_design != Design.ITS and not plan.sample_size_intervention:
        problems.append(Problem("Give the planned sample size (the calculator helps).", "participants"))
    if comparison and not plan.sample_size_comparison:
        problems.append(Problem("Give the planned size of the comparison group.", "participants"))
    if comparison and not plan.comparison_group.strip():
        problems.append(Problem("Describe the comparison group.", "participants"))
    sources = set(plan.data_sources)
    if not sources:
        problems.append(Problem("Say where the data will come from.", "data-sources"))
    if plan.design in {Design.QUALITATIVE, Design.MIXED} and not sources & {
        DataSource.INTERVIEWS,
        DataSource.FOCUS_GROUPS,
    }:
        problems.append(
            Problem("A qualitative strand needs interviews or focus groups as a data source.", "data-sources")
        )
    if plan.quantitative_design == Design.ITS and DataSource.ROUTINE not in sources:
        problems.append(Problem("An interrupted time series needs routine data as a data source.", "data-sources"))
    if not list(plan.milestones.all()):
        problems.append(Problem("Add the timeline: the main dates from baseline to report.", "timeline"))
    if not list(plan.risks.all()):
        problems.append(Problem("List the main risks to the evaluation and how you will reduce them.", "risks"))
    if not plan.sharing.strip():
        problems.append(Problem("Say how you will share the findings.", "sharing"))
    return problems
