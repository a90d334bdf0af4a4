"""Two independent groups: Welch and Student t-tests, Mann-Whitney U (R's W), Cohen's d and Hedges' g.

The difference is always first level minus second level (R's `t.test(x, y)` is x − y); levels are sorted
unless `levels` fixes the order.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy import stats

from pine.stats import summary as say
from pine.stats._base import (
    Check,
    Data,
    Dropped,
    EffectSize,
    Result,
    StatsInputError,
    check_alternative,
    check_level,
    column,
    complete,
    dropped_warnings,
    factor,
    n_dropped,
    normality_check,
    numeric,
    outlier_check,
    require_levels,
)
from pine.stats._numeric import (
    hedges_j,
    interval,
    mean_var,
    nct_interval,
    p_from_t,
)
from pine.stats.paired import RANK_TEST_MAX, RankTest


@dataclass(frozen=True)
class TTest(Result):
    name: str
    estimate: float
    se: float
    statistic: float
    df: float
    p_value: float
    ci_low: float
    ci_high: float


@dataclass(frozen=True)
class TwoGroup(Result):
    """Headline numbers (`estimate`, `statistic`, `df`, `p_value`, CI) are Welch's; `student` has the pooled test."""

    method: str
    outcome: str
    group: str
    levels: tuple[Any, Any]
    alternative: str
    conf_level: float
    n: int
    n_per_group: tuple[int, int]
    n_dropped: int
    dropped: tuple[Dropped, ...]
    means: tuple[float, float]
    sds: tuple[float, float]
    estimate: float
    se: float
    statistic: float
    df: float
    p_value: float
    ci_low: float
    ci_high: float
    student: TTest
    effect_size: EffectSize
    effect_sizes: tuple[EffectSize, ...]
    mann_whitney: RankTest | None
    checks: tuple[Check, ...]
    warnings: tuple[str, ...]
    summary: str


def split_two(
    outcome: Any, group: Any, data: Data, levels: Sequence[Any] | None
) -> tuple[np.ndarray, np.ndarray, str, str, tuple[Any, Any], tuple[Dropped, ...]]:
    """Outcome values of the first and second group level, after listwise deletion; shared by group methods."""
    raw_y, ly = column(data, outcome, "outcome")
    raw_g, lg = column(data, group, "group")
    y = numeric(raw_y, ly)
    if len(raw_g) != len(y):
        raise StatsInputError(f"'{lg}' has {len(raw_g)} values but '{ly}' has {len(y)}")
    codes, found = factor(raw_g, lg, levels)
    require_levels(codes, found, lg)
    keep, dropped = complete({ly: y, lg: codes < 0})
    if keep is not None:
        y, codes = y[keep], codes[keep]
    first = codes == 0
    x1, x2 = y[first], y[~first]  # boolean masks: faster than sorting or fancy indexing on a million rows
    for lv, xs in zip(found, (x1, x2), strict=True):
        if len(xs) < 2:
            raise StatsInputError(
                f"column '{lg}': group '{lv}' has {len(xs)} value(s) of '{ly}'; at least 2 are needed"
            )
    return x1, x2, ly, lg, (found[0], found[1]), dropped


def mann_whitney(
    x: np.ndarray, y: np.ndarray, alternative: str = "two-sided", exact: bool | None = None, correct: bool = True
) -> RankTest:
    """Mann-Whitney U as R's `wilcox.test(x, y)`: W = U for x; exact when both n < 50 and no ties."""
    if exact is None:
        exact = len(x) < 50 and len(y) < 50 and len(np.unique(np.concatenate([x, y]))) == len(x) + len(y)
    res = stats.mannwhitneyu(
        x, y, alternative=alternative, use_continuity=correct, method="exact" if exact else "asymptotic"
    )
    name = "Wilcoxon rank-sum (Mann-Whitney) " + ("exact test" if exact else "test (normal approximation)")
    return RankTest(name, float(res.statistic), float(res.pvalue), bool(exact), bool(correct and not exact), None)


def two_group(
    outcome: Any,
    group: Any,
    *,
    data: Data = None,
    levels: Sequence[Any] | None = None,
    conf_level: float = 0.95,
    alternative: str = "two-sided",
    rank_test: bool | None = None,
    exact: bool | None = None,
    correct: bool = True,
) -> TwoGroup:
    """Compare the mean of `outcome` between the two levels of `group` (first minus second).

    Welch's t-test is the headline (it does not assume equal variances); Student's pooled test is given too.
    Cohen's d uses the pooled SD with the noncentral-t CI (effectsize's default); Hedges' g multiplies d and its
    CI by the exact correction J; d with the unpooled SD sqrt((s1² + s2²)/2) uses Welch's t and df.
    `rank_test` None runs Mann-Whitney up to RANK_TEST_MAX rows (beyond that the t-tests do not rely on normality);
    `exact` and `correct` control its p-value as in R (exact None = automatic).
    """
    check_alternative(alternative)
    check_level(conf_level)
    x1, x2, ly, lg, lv, dropped = split_two(outcome, group, data, levels)
    n1, n2 = len(x1), len(x2)
    m1, v1 = mean_var(x1)
    m2, v2 = mean_var(x2)
    if v1 == 0 and v2 == 0:
        raise StatsInputError(f"column '{ly}' has the same value throughout each group (zero variance)")
    diff = m1 - m2
    # Welch
    a1, a2 = v1 / n1, v2 / n2
    se_w = math.sqrt(a1 + a2)
    df_w = (a1 + a2) ** 2 / (a1 * a1 / (n1 - 1) + a2 * a2 / (n2 - 1))
    t_w = diff / se_w
    p_w = p_from_t(t_w, df_w, alternative)
    lo, hi = interval(diff, se_w, df_w, conf_level, alternative)
    # Student (pooled)
    df_s = n1 + n2 - 2
    sp = math.sqrt(((n1 - 1) * v1 + (n2 - 1) * v2) / df_s)
    hn = math.sqrt(1 / n1 + 1 / n2)
    se_s = sp * hn
    t_s = diff / se_s
    lo_s, hi_s = interval(diff, se_s, df_s, conf_level, alternative)
    student = TTest(
        "Student t-test (pooled variance)", diff, se_s, t_s, float(df_s), p_from_t(t_s, df_s, alternative), lo_s, hi_s
    )
    c_lo, c_hi = nct_interval(t_s, df_s, conf_level)
    d = EffectSize("cohens_d", diff / sp, c_lo * hn, c_hi * hn)
    j = hedges_j(df_s)
    g = EffectSize("hedges_g", d.value * j, d.ci_low * j, d.ci_high * j)
    s_un = math.sqrt((v1 + v2) / 2)
    u_lo, u_hi = nct_interval(t_w, df_w, conf_level)
    d_un = EffectSize("cohens_d_unpooled", diff / s_un, u_lo * se_w / s_un, u_hi * se_w / s_un)
    run_rank = n1 + n2 <= RANK_TEST_MAX if rank_test is None else rank_test
    mw = mann_whitney(x1, x2, alternative, exact, correct) if run_rank else None
    dev1, dev2 = x1 - m1, x2 - m2
    sq1, sq2 = dev1 * dev1, dev2 * dev2
    # Outliers against the pooled within-group SD, counted over both groups.
    v_within = ((n1 - 1) * v1 + (n2 - 1) * v2) / (n1 + n2 - 1)
    far = int(np.count_nonzero(sq1 > 9 * v_within) + np.count_nonzero(sq2 > 9 * v_within))
    checks = (
        normality_check(x1, f"'{ly}' in group {lv[0]}", dev1, v1, sq1),
        normality_check(x2, f"'{ly}' in group {lv[1]}", dev2, v2, sq2),
        outlier_check(f"'{ly}' within groups", far, "their group's mean"),
        Check("similar spread", max(v1, v2) <= 4 * min(v1, v2), f"SDs {math.sqrt(v1):.4g} and {math.sqrt(v2):.4g}"),
    )
    warnings = dropped_warnings(dropped)
    if rank_test is None and not run_rank:
        warnings.append(
            f"the Mann-Whitney test was not run: with {n1 + n2} people the t-tests do not rely on normal data "
            "(ask for the rank test to run it anyway)"
        )
    if min(n1, n2) < 10:
        warnings.append("a group has fewer than 10 people: estimates are very imprecise")
    text = (
        f"The mean of '{ly}' was {say.num(m1)} in group {lv[0]} (n = {n1}) and {say.num(m2)} in group {lv[1]} "
        f"(n = {n2}), a difference of {say.num(diff)} ({say.ci(lo, hi, conf_level)}; Welch {say.pval(p_w)}); "
        f"{say.evidence(p_w)}. Hedges' g was {say.num(g.value)}.{say.small_sample(n1 + n2)} "
        f"{say.observational_caveat()}"
    )
    return TwoGroup(
        "two-group", ly, lg, lv, alternative, conf_level, n1 + n2, (n1, n2), n_dropped(dropped), dropped, (m1, m2),
        (math.sqrt(v1), math.sqrt(v2)), diff, se_w, t_w, df_w, p_w, lo, hi, student, g, (d, g, d_un), mw, checks,
        tuple(warnings), text,
    )  # fmt: skip
