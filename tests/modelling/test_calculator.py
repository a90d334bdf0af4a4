"""The power and sample size calculator against published values, and its messages for impossible input.

Reference values: R's pwr package (pwr.t.test, as printed in the pwr vignette and R's own saved example output,
/work/shared/reference/cases.json) and the closed-form formulas of Cohen (1988) for two proportions and of
Donner and Klar (2000) for the design effect of a cluster trial.
"""

from __future__ import annotations

import math

import pytest
from scipy.stats import norm

from pine.modelling.calculator import CalculatorError, Question, calculate, detectable_proportions
from pine.modelling.forms_calculator import CalculatorForm


def approx(value: float, rel: float = 1e-5) -> object:
    return pytest.approx(value, rel=rel)


@pytest.mark.parametrize(
    ("question", "field", "expected"),
    [
        # pwr.t.test(d = 0.5, power = 0.8, type = "two.sample"): n = 63.76561 per group
        (Question("two-group", "n", effect_size=0.5, power=0.8), "n", 63.76561),
        # pwr.t.test(d = 0.8, power = 0.8): n = 25.52457
        (Question("two-group", "n", effect_size=0.8, power=0.8), "n", 25.52457),
        # pwr.t.test(n = 30, d = 0.5): power = 0.4778965
        (Question("two-group", "power", effect_size=0.5, n=30), "power", 0.4778965),
        # pwr.t.test(d = 0.32, power = 0.8, type = "paired", alternative = "greater"): n = 61.75209 pairs
        (Question("paired", "n", effect_size=0.32, power=0.8, two_sided=False), "n", 61.75209),
        # pwr.t.test(n = 24, d = 0.32, type = "paired", alternative = "greater"): power = 0.4508691
        (Question("paired", "power", effect_size=0.32, n=24, two_sided=False), "power", 0.4508691),
    ],
)
def test_t_test_results_match_r_pwr(question: Question, field: str, expected: float) -> None:
    assert getattr(calculate(question), field) == approx(expected)


def test_minimum_detectable_effect_is_the_effect_that_gives_the_sample_size() -> None:
    """Solving for the effect size inverts pwr: 63.76561 per group at 80% power detects d = 0.5."""
    answer = calculate(Question("two-group", "effect_size", n=63.76561, power=0.8))
    assert answer.effect_size == approx(0.5, 1e-5)
    assert "smallest effect" in answer.headline


def test_alpha_is_solved_when_the_other_three_are_given() -> None:
    answer = calculate(Question("two-group", "alpha", effect_size=0.5, n=63.76561, power=0.8, alpha=None))
    assert answer.alpha == approx(0.05, 1e-5)


def test_two_proportions_match_cohens_formula() -> None:
    """n per group = 2·((z(1-α/2) + z(power)) / h)², h = 2·asin√p1 − 2·asin√p2 (pwr.2p.test; Cohen's table
    6.4.1 gives 63 per group for h = 0.5)."""
    h = 2 * math.asin(math.sqrt(0.75)) - 2 * math.asin(math.sqrt(0.5))
    expected = 2 * ((norm.ppf(0.975) + norm.ppf(0.8)) / h) ** 2
    answer = calculate(Question("proportions", "n", p1=0.75, p2=0.5, power=0.8))
    # The formula ignores the far rejection tail, which pwr (and PINE) count: they differ by about 1e-6.
    assert answer.n == approx(expected, 1e-5)
    assert answer.n_per_group_rounded == math.ceil(expected)


def test_the_detectable_proportions_are_a_cohens_h_either_side() -> None:
    above, below = detectable_proportions(0.5, 0.4)
    assert 2 * math.asin(math.sqrt(above)) - 2 * math.asin(math.sqrt(0.5)) == approx(0.4)
    assert 2 * math.asin(math.sqrt(0.5)) - 2 * math.asin(math.sqrt(below)) == approx(0.4)


def test_cluster_design_multiplies_by_the_design_effect_and_allows_for_attrition() -> None:
    """Design effect 1 + (m − 1)·ICC = 1.45 for clusters of 10 and ICC 0.05, times pwr's 63.76561."""
    answer = calculate(Question("cluster", "n", effect_size=0.5, power=0.8, cluster_size=10, icc=0.05, attrition=0.2))
    assert answer.result.design_effect == approx(1.45)
    assert answer.n == approx(63.76561 * 1.45)
    assert answer.clusters_per_group == 10
    assert answer.n_per_group_rounded == 100
    assert answer.n_recruit == 250
    assert any("design effect" in line for line in answer.explanation)
    assert any("20%" in line for line in answer.explanation)


def test_the_explanation_is_plain_english_and_warns_about_low_power() -> None:
    answer = calculate(Question("two-group", "power", effect_size=0.3, n=30))
    assert answer.power < 0.8
    assert any("may well be missed" in line for line in answer.explanation)
    assert answer.headline.startswith("The power is")


def test_an_unreachable_power_says_why() -> None:
    with pytest.raises(CalculatorError, match="too small"):
        calculate(Question("two-group", "alpha", effect_size=0.01, n=3, power=0.9995, alpha=None))


def form(**data: str) -> CalculatorForm:
    defaults = {"design": "two-group", "solve_for": "n", "alpha": "0.05", "power": "0.8", "two_sided": "yes"}
    bound = CalculatorForm({**defaults, **data})
    bound.is_valid()
    return bound


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"effect_size": "0"}, "effect_size", "Effect size must be more than 0"),
        ({"effect_size": "-0.3"}, "effect_size", "Effect size must be more than 0"),
        ({"effect_size": "big"}, "effect_size", "Effect size must be a number"),
        ({"effect_size": "0.3", "alpha": "1.5"}, "alpha", "between 0 and 1"),
        ({"effect_size": "0.3", "alpha": "0"}, "alpha", "between 0 and 1"),
        ({"effect_size": "0.3", "power": "80"}, "power", "Power must be between 0 and 1"),
        ({"effect_size": "0.3", "power": "1"}, "power", "Power must be between 0 and 1"),
        ({"effect_size": "0.3", "attrition": "100"}, "attrition", "less than 100%"),
        ({}, "effect_size", "Enter the effect size"),
        (
            {"design": "cluster", "effect_size": "0.3", "cluster_size": "1", "icc": "0.05"},
            "cluster_size",
            "at least 2",
        ),
        (
            {"design": "cluster", "effect_size": "0.3", "cluster_size": "7.5", "icc": "0.05"},
            "cluster_size",
            "whole number",
        ),
        (
            {
                "design": "cluster",
                "solve_for": "power",
                "effect_size": "0.3",
                "n": "30",
                "cluster_size": "20",
                "icc": "0.05",
            },
            "cluster_size",
            "fewer than 2 clusters",
        ),
        ({"design": "cluster", "effect_size": "0.3", "cluster_size": "10", "icc": "1"}, "icc", "less than 1"),
        ({"design": "proportions", "p1": "0.3", "p2": "0.3"}, "p2", "must differ"),
        ({"design": "proportions", "p1": "30", "p2": "0.4"}, "p1", "between 0 and 1"),
        ({"solve_for": "power", "effect_size": "0.3", "n": "1"}, "n", "at least 2"),
    ],
)
def test_bad_input_gets_a_clear_message(data: dict[str, str], field: str, message: str) -> None:
    bound = form(**data)
    assert not bound.is_valid()
    assert message in " ".join(bound.errors[field])
