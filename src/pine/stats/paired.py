"""Paired before/after comparisons of a continuous outcome: paired t-test, Wilcoxon signed-rank, d_z and d_av.

Differences are `after − before`, so a positive estimate is an increase. The Wilcoxon statistic V is R's:
the sum of the ranks of the positive differences.
"""

from __future__ import annotations

import math
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
    distribution_checks,
    dropped_warnings,
    n_dropped,
    numeric,
)
from pine.stats._numeric import (
    dot,
    interval,
    mean_var,
    nct_interval,
    p_from_t,
    p_from_z,
)

# Above this many pairs the rank test is not run unless asked for: ranking a million differences costs 30 times
# the t-test, and it adds nothing to the inference about the mean, which by the central limit theorem no longer
# depends on the differences being normal.
RANK_TEST_MAX = 100_000


@dataclass(frozen=True)
class RankTest(Result):
    """A rank test: R's statistic (V for signed-rank, W for rank-sum), its p-value and how it was computed."""

    name: str
    statistic: float
    p_value: float
    exact: bool
    correct: bool
    z: float | None


@dataclass(frozen=True)
class Paired(Result):
    method: str
    before: str
    after: str
    alternative: str
    conf_level: float
    n: int
    n_dropped: int
    dropped: tuple[Dropped, ...]
    mean_before: float
    mean_after: float
    sd_before: float
    sd_after: float
    estimate: float
    sd_difference: float
    se: float
    statistic: float
    df: float
    p_value: float
    ci_low: float
    ci_high: float
    effect_size: EffectSize
    effect_sizes: tuple[EffectSize, ...]
    wilcoxon: RankTest | None
    checks: tuple[Check, ...]
    warnings: tuple[str, ...]
    summary: str


def _signed_rank_exact_cdf(n: int) -> np.ndarray:
    """Cumulative distribution of V for n untied, non-zero differences (R's psignrank), by counting subsets."""
    top = n * (n + 1) // 2
    counts = np.zeros(top + 1, dtype=np.float64)
    counts[0] = 1.0
    for k in range(1, n + 1):
        counts[k:] = counts[k:] + counts[: top + 1 - k].copy()
    return np.cumsum(counts) / 2.0**n


def signed_rank(
    d: np.ndarray, alternative: str = "two-sided", exact: bool | None = None, correct: bool = True
) -> RankTest:
    """Wilcoxon signed-rank test of differences `d` against 0, exactly as R's `wilcox.test(paired = TRUE)`.

    Zeros are dropped. Exact p-values when fewer than 50 differences remain and there are no ties or zeros;
    otherwise the normal approximation with tie correction and (by default) continuity correction. Written
    out here because scipy reports min(V+, V−) for two-sided tests and chooses exact/approximate differently.
    """
    had_zeros = bool((d == 0).any())
    d = d[d != 0]
    n = len(d)
    if n == 0:
        raise StatsInputError("every difference is zero, so the signed-rank test cannot be computed")
    ranks = stats.rankdata(np.abs(d))
    v = float(ranks[d > 0].sum())
    if exact is None:
        exact = n < 50
    _, tie_counts = np.unique(ranks, return_counts=True)
    ties = bool((tie_counts > 1).any())
    if exact and not ties and not had_zeros:
        cdf = _signed_rank_exact_cdf(n)
        iv = int(round(v))

        def lower(q: int) -> float:  # P(V <= q)
            return float(cdf[q]) if q >= 0 else 0.0

        if alternative == "less":
            p = lower(iv)
        elif alternative == "greater":
            p = 1 - lower(iv - 1)
        else:
            p = 2 * (1 - lower(iv - 1)) if v > n * (n + 1) / 4 else 2 * lower(iv)
            p = min(p, 1.0)
        return RankTest("Wilcoxon signed-rank exact test", v, p, True, False, None)
    z = v - n * (n + 1) / 4
    sigma = math.sqrt(n * (n + 1) * (2 * n + 1) / 24 - float(np.sum(tie_counts**3 - tie_counts)) / 48)
    shift = 0.0
    if correct:
        shift = {"two-sided": math.copysign(0.5, z) if z != 0 else 0.0, "greater": 0.5, "less": -0.5}[alternative]
    z = (z - shift) / sigma
    return RankTest("Wilcoxon signed-rank test (normal approximation)", v, p_from_z(z, alternative), False, correct, z)


def paired(
    before: Any,
    after: Any,
    *,
    data: Data = None,
    conf_level: float = 0.95,
    alternative: str = "two-sided",
    rank_test: bool | None = None,
    exact: bool | None = None,
    correct: bool = True,
) -> Paired:
    """Paired t-test of `after − before` with the mean difference, its CI, d_z and d_av with CIs, and Wilcoxon.

    Rows missing either value are dropped and counted. d_z = mean difference / SD of differences, with the
    noncentral-t CI; d_av = mean difference / average of the two SDs (Lakens 2013), with the d_z interval
    rescaled by SD(diff)/SD(av). Raises `StatsInputError` for bad input, fewer than 2 pairs or zero-variance
    differences. `rank_test` None runs the Wilcoxon test up to RANK_TEST_MAX pairs; `exact` and `correct`
    control its p-value as in R (exact None = automatic).
    """
    check_alternative(alternative)
    check_level(conf_level)
    raw_b, lb = column(data, before, "before")
    raw_a, la = column(data, after, "after")
    b = numeric(raw_b, lb)
    a = numeric(raw_a, la)
    if len(a) != len(b):
        raise StatsInputError(f"'{lb}' has {len(b)} values but '{la}' has {len(a)}; pairs must line up")
    keep, dropped = complete({lb: b, la: a})
    if keep is not None:
        a, b = a[keep], b[keep]
    n = len(a)
    if n < 2:
        raise StatsInputError(f"columns '{lb}' and '{la}' have {n} complete pair(s); at least 2 are needed")
    d = a - b
    mean_a, var_a = mean_var(a)
    mean_b, var_b = mean_var(b)
    mean_d = float(d.mean())
    dev = d - mean_d
    var_d = dot(dev, dev) / (n - 1)
    sd_d = math.sqrt(var_d)
    if sd_d == 0 or sd_d < 1e-14 * max(abs(mean_d), 1e-300):
        raise StatsInputError(
            f"the differences between '{la}' and '{lb}' are all the same (zero variance), so no test is possible"
        )
    sd_a, sd_b = math.sqrt(var_a), math.sqrt(var_b)
    df = n - 1
    se = sd_d / math.sqrt(n)
    t = mean_d / se
    p = p_from_t(t, df, alternative)
    lo, hi = interval(mean_d, se, df, conf_level, alternative)
    ncp_lo, ncp_hi = nct_interval(t, df, conf_level)
    dz = mean_d / sd_d
    scale = 1 / math.sqrt(n)
    d_z = EffectSize("d_z", dz, ncp_lo * scale, ncp_hi * scale)
    s_av = (sd_a + sd_b) / 2
    d_av = EffectSize("d_av", mean_d / s_av, ncp_lo * scale * sd_d / s_av, ncp_hi * scale * sd_d / s_av)
    run_rank = n <= RANK_TEST_MAX if rank_test is None else rank_test
    wilcoxon = signed_rank(d, alternative, exact, correct) if run_rank else None
    checks = distribution_checks(d, "differences", dev=dev, var=var_d)
    warnings = dropped_warnings(dropped)
    if rank_test is None and not run_rank:
        warnings.append(
            f"the Wilcoxon signed-rank test was not run: with {n} pairs the t-test does not rely on normal "
            "differences (ask for the rank test to run it anyway)"
        )
    if not checks[0].passed and n < 30:
        warnings.append("the differences look non-normal and n is small: rely on the Wilcoxon test")
    if n < 10:
        warnings.append(f"only {n} pairs: estimates are very imprecise")
    text = (
        f"Across {n} people, '{la}' minus '{lb}' averaged {say.num(mean_d)} "
        f"({say.ci(lo, hi, conf_level)}; {say.pval(p)}); {say.evidence(p)}. "
        f"The standardised change d_z was {say.num(dz)}.{say.small_sample(n)} {say.prepost_caveat()}"
    )
    return Paired(
        "paired", lb, la, alternative, conf_level, n, n_dropped(dropped), dropped, mean_b, mean_a, sd_b, sd_a,
        mean_d, sd_d, se, t, float(df), p, lo, hi, d_z, (d_z, d_av), wilcoxon, checks, tuple(warnings), text,
    )  # fmt: skip
