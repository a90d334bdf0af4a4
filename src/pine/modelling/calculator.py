"""Power and sample size for the plan, on top of `pine.stats.power`, explained in plain English.

Give any three of effect size, alpha, power and sample size, and the fourth is solved. `pine.stats.power` solves
effect size, sample size or power; alpha is solved here by finding the significance level at which the power
reaches the target (power rises steadily with alpha, so there is one answer when there is any).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from scipy import optimize

from pine.stats import StatsInputError, power
from pine.stats.benchmarks import effect_size_words
from pine.stats.power import Power

SOLVE_FOR = ("effect_size", "n", "power", "alpha")
DESIGN_LABELS = {
    "paired": "Before and after, the same people (paired)",
    "two-group": "Two groups compared (averages)",
    "proportions": "Two groups compared (proportions, such as yes or no)",
    "cluster": "Two groups of clusters (teams, schools or areas)",
}


class CalculatorError(ValueError):
    """Inputs with no answer; the message says why, for the person."""


@dataclass(frozen=True)
class Question:
    design: str
    solve_for: str
    effect_size: float | None = None
    p1: float | None = None
    p2: float | None = None
    alpha: float | None = 0.05
    power: float | None = 0.8
    n: float | None = None
    two_sided: bool = True
    cluster_size: int | None = None
    icc: float | None = None
    attrition: float = 0.0  # a fraction


@dataclass(frozen=True)
class Answer:
    question: Question
    result: Power
    effect_size: float
    alpha: float
    power: float
    n: float
    n_per_group_rounded: int
    n_total_rounded: int
    n_recruit: int
    clusters_per_group: int | None
    detectable_p2: tuple[float, ...]
    headline: str
    explanation: list[str]

    @property
    def basis(self) -> str:
        """One paragraph for the plan: how the sample size was worked out."""
        return " ".join([self.headline, *self.explanation[:2]])


def _solve(q: Question, alpha: float) -> Power:
    kwargs: dict[str, object] = {
        "alpha": alpha,
        "alternative": "two-sided" if q.two_sided else "greater",
        "attrition": q.attrition,
    }
    if q.design == "cluster":
        kwargs |= {"icc": q.icc, "cluster_size": q.cluster_size}
    if q.design == "proportions" and q.solve_for != "effect_size":
        kwargs |= {"p1": q.p1, "p2": q.p2}
    else:
        kwargs["effect_size"] = None if q.solve_for == "effect_size" else q.effect_size
    kwargs["n"] = None if q.solve_for == "n" else q.n
    kwargs["power"] = None if q.solve_for in {"power", "alpha"} else q.power
    return power(q.design, **kwargs)  # type: ignore[arg-type]


def calculate(q: Question) -> Answer:
    if q.design not in DESIGN_LABELS:
        raise CalculatorError("Choose what you are comparing")
    if q.solve_for not in SOLVE_FOR:
        raise CalculatorError("Choose what to work out")
    try:
        if q.solve_for == "alpha":
            assert q.power is not None
            target = q.power

            def gap(a: float) -> float:
                return _solve(q, a).power - target

            low, high = 1e-8, 0.999
            if gap(high) < 0:
                raise CalculatorError(
                    "Even with a significance level close to 1, this sample cannot reach that power: "
                    "the sample is too small for an effect of this size"
                )
            if gap(low) > 0:
                raise CalculatorError("The sample is so large that any significance level reaches that power")
            alpha = float(optimize.brentq(gap, low, high, xtol=1e-12))
            result = _solve(q, alpha)
        else:
            assert q.alpha is not None
            result = _solve(q, q.alpha)
    except StatsInputError as problem:
        raise CalculatorError(f"There is no answer for these numbers ({problem})") from problem
    return _explain(q, result)


def detectable_proportions(p1: float, h: float) -> tuple[float, ...]:
    """The proportions a Cohen's h away from p1, above and below, where they exist."""
    base = math.asin(math.sqrt(p1))
    found = []
    for angle in (base + h / 2, base - h / 2):
        if 0 <= angle <= math.pi / 2:
            found.append(math.sin(angle) ** 2)
    return tuple(found)


def _a(fraction: float) -> str:
    """'a' or 'an' before a percentage as it is read aloud (an 80%, an 11%, a 90%)."""
    percent = round(fraction * 100)
    return "an" if str(percent).startswith("8") or percent in {11, 18} else "a"


def _explain(q: Question, r: Power) -> Answer:
    grouped = q.design != "paired"
    per_group = math.ceil(round(r.n, 6))
    total = per_group * 2 if grouped else per_group
    recruit = math.ceil(round(total / (1 - q.attrition), 6))
    clusters = math.ceil(round(r.n / q.cluster_size, 6)) if q.design == "cluster" and q.cluster_size else None
    if clusters is not None and q.cluster_size:
        per_group = clusters * q.cluster_size
        total = per_group * 2
        recruit = math.ceil(round(total / (1 - q.attrition), 6))
    alpha_pct = f"{r.alpha:.3g}".rstrip("0").rstrip(".")
    tails = "two-sided" if q.two_sided else "one-sided"
    people = "pairs of measurements (people measured twice)" if not grouped else "people in each group"
    detectable: tuple[float, ...] = ()
    if q.design == "proportions":
        p1 = q.p1 if q.p1 is not None else 0.5
        if q.solve_for == "effect_size":
            detectable = detectable_proportions(p1, abs(r.effect_size))
            change = " or ".join(f"{p:.0%}" for p in detectable)
            effect_words = f"a change from {p1:.0%} to {change} (Cohen's h = {abs(r.effect_size):.2f})"
        else:
            effect_words = f"a difference between {q.p1:.0%} and {q.p2:.0%} (Cohen's h = {abs(r.effect_size):.2f})"
    else:
        effect_words = f"an effect of {abs(r.effect_size):.2f} standard deviations, {effect_size_words(r.effect_size)}"
    if q.solve_for == "n":
        headline = f"You need {per_group} {people}" + (f", {total} in all" if grouped else "") + "."
    elif q.solve_for == "power":
        headline = f"The power is {r.power:.0%}: the chance of finding the effect, if it is really there."
    elif q.solve_for == "effect_size":
        headline = f"The smallest effect this study can reliably detect is {effect_words}."
    else:
        headline = f"The significance level needed is {alpha_pct}."
    explanation = [
        f"With {per_group} {people}, a {tails} test at a significance level of {alpha_pct} has "
        f"{_a(r.power)} {r.power:.0%} chance of detecting {effect_words}, if there really is one.",
    ]
    if q.design == "cluster":
        explanation.append(
            f"Because people in the same cluster are alike (intra-cluster correlation {q.icc:g}), clusters of "
            f"{q.cluster_size} need {r.design_effect:.2f} times as many people as randomising individuals (the "
            f"design effect): {clusters} clusters in each group."
        )
    if q.attrition:
        explanation.append(
            f"Allowing for {q.attrition:.0%} of people dropping out or not answering at follow-up, "
            f"aim to recruit {recruit}."
        )
    if r.power < 0.8:
        explanation.append(
            "A power below 80% means a real effect of this size may well be missed: a 'no difference' result "
            "would not show that the intervention does not work."
        )
    if q.design != "proportions" and abs(r.effect_size) >= 0.5:
        explanation.append(
            "Effects of interventions in children's social care are usually small (0.2 to 0.4 standard "
            "deviations); planning for a large effect risks a study too small to find a realistic one."
        )
    explanation.append(
        "This is an estimate for planning: the real sample depends on who agrees to take part, and the "
        "research adviser will check it with you."
    )
    return Answer(
        question=q,
        result=r,
        effect_size=abs(r.effect_size),
        alpha=r.alpha,
        power=r.power,
        n=r.n,
        n_per_group_rounded=per_group,
        n_total_rounded=total,
        n_recruit=recruit,
        clusters_per_group=clusters,
        detectable_p2=detectable,
        headline=headline,
        explanation=explanation,
    )
