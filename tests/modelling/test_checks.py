"""The checks before a checkpoint: gaps in the theory of change and the plan's problems."""

from __future__ import annotations

from pine.modelling.checks import analysis_problems, plan_problems, toc_problems
from pine.modelling.selectors import plan_detail
from tests.modelling.conftest import Setup
from tests.modelling.factories import build_plan, build_toc

MODEL = {
    "elements": [
        {"id": 1, "kind": "problem", "text": "Problem"},
        {"id": 2, "kind": "population", "text": "Social workers"},
        {"id": 3, "kind": "activity", "text": "Workshops"},
        {"id": 4, "kind": "activity", "text": "Supervision"},
        {"id": 5, "kind": "output", "text": "Attendance"},
        {"id": 6, "kind": "outcome_short", "text": "Confidence"},
        {"id": 7, "kind": "outcome_medium", "text": "Better plans"},
        {"id": 8, "kind": "assumption", "text": "Staff released"},
    ],
    "links": [{"source": 3, "target": 5}, {"source": 5, "target": 6}],
}


def messages(problems: list) -> list[str]:  # type: ignore[type-arg]
    return [p.message for p in problems]


def test_an_activity_leading_nowhere_and_an_outcome_nothing_leads_to_are_pointed_out() -> None:
    found = messages(toc_problems(MODEL))
    assert "The activity 'Supervision' leads nowhere: link it to what it produces." in found
    assert any("No activity leads to the outcome 'Better plans'" in m for m in found)
    assert not any("'Confidence'" in m for m in found)  # reached through the output


def test_outcomes_nothing_measures_are_pointed_out_once_a_plan_exists() -> None:
    assert not any("will measure" in m for m in messages(toc_problems(MODEL)))
    found = messages(toc_problems(MODEL, measured={6}))
    assert "Nothing in the evaluation plan will measure the outcome 'Better plans'." in found
    assert not any("'Confidence'." in m and "measure" in m for m in found)


def test_missing_parts_are_pointed_out() -> None:
    found = messages(toc_problems({"elements": [], "links": []}))
    assert "Describe the problem and its context." in found
    assert "Add the activities: what the intervention does." in found


def test_analysis_rules() -> None:
    def check(**kwargs: object) -> list[str]:
        base = {
            "method": "paired",
            "groups": "none",
            "time_points": ["baseline", "3m"],
            "outcome_time_points": ["baseline", "3m"],
            "design": "pre_post",
            "quantitative_design": "pre_post",
        }
        return [message for _, message in analysis_problems(**{**base, **kwargs})]  # type: ignore[arg-type]

    assert check() == []
    assert "This analysis uses 2 time points: select 2 time points" in check(time_points=["3m"])
    assert any("no comparison group" in m for m in check(method="ancova", groups="compared"))
    assert any("not measured at 6 months after" in m for m in check(time_points=["baseline", "6m"]))
    assert any("thematic" in m for m in check(design="qualitative", quantitative_design="qualitative"))
    assert any("include the baseline" in m for m in check(
        method="ancova", groups="compared", time_points=["3m", "6m"], outcome_time_points=["3m", "6m"],
        design="pre_post_comparison", quantitative_design="pre_post_comparison",
    ))  # fmt: skip
    assert check(method="thematic", outcome_time_points=None, time_points=[], design="mixed") == []


def test_a_complete_plan_passes_and_an_incomplete_one_lists_what_is_missing(setup: Setup) -> None:
    model = build_toc(setup.project, setup.lead)
    build_plan(setup.project, setup.lead, model)
    assert messages(plan_detail(project=setup.project).problems) == []


def test_an_incomplete_plan_lists_what_is_missing(setup: Setup) -> None:
    model = build_toc(setup.project, setup.lead)
    build_plan(setup.project, setup.lead, model, complete=False)
    found = messages(plan_detail(project=setup.project).problems)
    assert "Describe who will take part and how they will be recruited." in found
    assert "Give the planned size of the comparison group." in found
    assert "Say where the data will come from." in found
    assert "Say how you will share the findings." in found
    detail = plan_detail(project=setup.project)
    assert plan_problems(detail.plan, toc_outcome_ids=[]) != []
