"""Power and sample size: paired and two-sample t-tests, two proportions, and cluster designs.

Leave exactly one of effect size, n and power unset and it is solved for. t-test power uses the noncentral t
and counts both rejection tails for two-sided tests (as R's pwr and statsmodels); two proportions use Cohen's h
with the normal approximation (pwr.2p.test). Cluster designs inflate the two-group n by the design effect
1 + (m − 1)·ICC. Sample sizes are returned unrounded (as R prints them); round up to plan.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from scipy import optimize, stats

from pine.stats._base import Result, StatsInputError, check_alternative

DESIGNS = ("paired", "two-group", "proportions", "cluster")


@dataclass(frozen=True)
class Power(Result):
    """`n` is pairs (paired) or people per group; `n_per_group` for group designs; `n_recruit` allows for attrition."""

    method: str
    design: str
    solved_for: str
    alternative: str
    alpha: float
    effect_size: float
    effect_size_name: str
    power: float
    n: float
    n_per_group: float | None
    n_total: float
    ratio: float
    design_effect: float
    icc: float | None
    cluster_size: float | None
    clusters_per_group: int | None
    attrition: float
    n_recruit: int
    p1: float | None
    p2: float | None
    warnings: tuple[str, ...]
    summary: str


def _check_fraction(name: str, value: float | None, low_open: bool = True) -> None:
    if value is not None and not (0 < value < 1 if low_open else 0 <= value < 1):
        raise StatsInputError(f"{name} must be between 0 and 1, not {value}")


def _upper_tail_only(
    design: str,
    unknown: str,
    start: float,
    es: float | None,
    n: float | None,
    pw: float | None,
    alpha: float,
    ratio: float,
) -> float:
    """Re-solve with R's power.t.test (strict = FALSE) power: P(T > t_crit) under the noncentral t only."""

    def power_of(d: float, size: float) -> float:
        if design == "paired":
            df, ncp = size - 1, d * math.sqrt(size)
        else:
            n2 = size * ratio
            df, ncp = size + n2 - 2, d * math.sqrt(size * n2 / (size + n2))
        return float(stats.nct.sf(stats.t.ppf(1 - alpha / 2, df), df, ncp))

    if unknown == "power":
        assert es is not None and n is not None
        return power_of(abs(es), n)
    assert pw is not None
    if unknown == "n":
        assert es is not None
        return float(optimize.brentq(lambda m: power_of(abs(es), m) - pw, 2.0 + 1e-9, 10 * start + 10, xtol=1e-12))
    assert n is not None
    return float(optimize.brentq(lambda d: power_of(d, n) - pw, 1e-9, 10 * abs(start) + 10, xtol=1e-14))


def power(
    design: str,
    *,
    effect_size: float | None = None,
    n: float | None = None,
    power: float | None = None,
    alpha: float = 0.05,
    alternative: str = "two-sided",
    ratio: float = 1.0,
    icc: float | None = None,
    cluster_size: float | None = None,
    p1: float | None = None,
    p2: float | None = None,
    attrition: float = 0.0,
    both_tails: bool = True,
) -> Power:
    """Solve for whichever of effect size, n (pairs, or people per group) and power is None.

    For `proportions`, give `p1` and `p2` (the effect size is Cohen's h = 2·asin√p1 − 2·asin√p2) or `effect_size`
    as h. For `cluster`, give `icc` and `cluster_size`; n is people per group and the effect size is d.
    `attrition` (a fraction) inflates the number to recruit: n / (1 − attrition), rounded up. `ratio` is
    n2/n1 for unequal groups. `both_tails=False` follows R's `power.t.test` default (strict = FALSE): a
    two-sided t-test's power counts only the upper rejection tail (differences are below 1e-6 in practice).
    """
    from statsmodels.stats.power import NormalIndPower, TTestIndPower, TTestPower  # slow import, only here
    from statsmodels.stats.proportion import proportion_effectsize

    if design not in DESIGNS:
        raise StatsInputError(f"design must be one of {', '.join(DESIGNS)}, not '{design}'")
    check_alternative(alternative)
    _check_fraction("alpha", alpha)
    _check_fraction("power", power)
    _check_fraction("attrition", attrition, low_open=False)
    if design == "proportions" and p1 is not None and p2 is not None:
        _check_fraction("p1", p1)
        _check_fraction("p2", p2)
        if effect_size is not None:
            raise StatsInputError("give p1 and p2 or an effect size, not both")
        effect_size = float(proportion_effectsize(p1, p2))
    unknown = [name for name, v in (("effect_size", effect_size), ("n", n), ("power", power)) if v is None]
    if len(unknown) != 1:
        raise StatsInputError("give exactly two of effect size, n and power; the third is solved for")
    if effect_size is not None and effect_size == 0:
        raise StatsInputError("the effect size must not be zero")
    if n is not None and n <= 1:
        raise StatsInputError(f"n must be more than 1, not {n}")
    if ratio <= 0:
        raise StatsInputError(f"ratio must be positive, not {ratio}")
    deff = 1.0
    if design == "cluster":
        if icc is None or cluster_size is None:
            raise StatsInputError("a cluster design needs --icc and --cluster-size")
        if not 0 <= icc < 1 or cluster_size < 1:
            raise StatsInputError("icc must be in [0, 1) and cluster size at least 1")
        deff = 1 + (cluster_size - 1) * icc
    sm_alt = {"two-sided": "two-sided", "greater": "larger", "less": "smaller"}[alternative]
    engine = TTestPower() if design == "paired" else NormalIndPower() if design == "proportions" else TTestIndPower()
    kwargs = {"alpha": alpha, "alternative": sm_alt}
    if design != "paired":
        kwargs["ratio"] = ratio
    n_eff = None if n is None else n / deff
    try:
        if design == "paired":
            solved = engine.solve_power(effect_size=effect_size, nobs=n_eff, power=power, **kwargs)
        else:
            solved = engine.solve_power(effect_size=effect_size, nobs1=n_eff, power=power, **kwargs)
    except Exception as problem:  # statsmodels' root finders raise several types when there is no solution
        raise StatsInputError(f"no solution for these inputs: {problem}") from problem
    solved = float(solved[0] if hasattr(solved, "__len__") else solved)
    if not math.isfinite(solved):
        raise StatsInputError("no solution for these inputs")
    if not both_tails and alternative == "two-sided" and design != "proportions":
        solved = _upper_tail_only(design, unknown[0], solved, effect_size, n_eff, power, alpha, ratio)
    if unknown[0] == "n":
        n = solved * deff
    elif unknown[0] == "power":
        power = solved
    else:
        effect_size = solved
    assert n is not None and power is not None and effect_size is not None
    per_group = None if design == "paired" else n
    total = n if design == "paired" else n * (1 + ratio)
    recruit = math.ceil(round(total / (1 - attrition), 9))
    clusters = math.ceil(round(n / cluster_size, 9)) if design == "cluster" and cluster_size else None
    es_name = "d_z" if design == "paired" else "cohens_h" if design == "proportions" else "d"
    unit = "pairs" if design == "paired" else "people per group"
    text = (
        f"With {es_name} = {effect_size:.3g}, a {alternative} alpha of {alpha:g} and {math.ceil(round(n, 9))} {unit}, "
        f"the power is {power:.1%}."
        + (
            f" The design effect of {deff:.3g} is included ({clusters} clusters of {cluster_size:g} per group)."
            if clusters
            else ""
        )
        + (f" Allowing for {attrition:.0%} attrition, recruit {recruit} in total." if attrition else "")
    )
    warnings = ("power below 80%: a real effect of this size may well be missed",) if power < 0.8 else ()
    return Power(
        "power", design, unknown[0], alternative, alpha, effect_size, es_name, power, n, per_group, total, ratio,
        deff, icc, cluster_size, clusters, attrition, recruit, p1, p2, warnings, text,
    )  # fmt: skip
