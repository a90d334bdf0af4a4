"""Binary and categorical outcomes: chi-square tests, Fisher's exact test, RD/RR/OR, McNemar, goodness of fit.

A 2×2 table has the groups as rows (first level first) and the outcome as columns, the event first, so the
odds ratio is that of R's `fisher.test`: odds of the event in the first group over odds in the second.
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
    level_value,
    n_dropped,
    numeric,
    require_levels,
    sorted_levels,
)
from pine.stats._fisher import Conditional


@dataclass(frozen=True)
class ChiSquare(Result):
    name: str
    statistic: float
    df: float
    p_value: float
    correct: bool
    expected: tuple[tuple[float, ...], ...]
    pearson_residuals: tuple[tuple[float, ...], ...]
    standardized_residuals: tuple[tuple[float, ...], ...]


@dataclass(frozen=True)
class Fisher(Result):
    p_value: float
    odds_ratio: float
    ci_low: float
    ci_high: float


@dataclass(frozen=True)
class Table(Result):
    """Headline `statistic`/`df`/`p_value`: Pearson chi-square without correction; `estimate`: risk difference."""

    method: str
    outcome: str
    group: str
    levels: tuple[Any, ...]
    outcome_levels: tuple[Any, ...]
    event: Any
    table: tuple[tuple[int, ...], ...]
    conf_level: float
    alternative: str
    n: int
    n_dropped: int
    dropped: tuple[Dropped, ...]
    proportions: tuple[float, ...] | None
    statistic: float
    df: float
    p_value: float
    estimate: float | None
    se: float | None
    ci_low: float | None
    ci_high: float | None
    chi_square: ChiSquare
    chi_square_corrected: ChiSquare | None
    fisher: Fisher | None
    effect_size: EffectSize | None
    effect_sizes: tuple[EffectSize, ...]
    checks: tuple[Check, ...]
    warnings: tuple[str, ...]
    summary: str


@dataclass(frozen=True)
class McNemar(Result):
    """Headline: McNemar's chi-square with continuity correction (R's default); `uncorrected` and exact p too."""

    method: str
    before: str
    after: str
    table: tuple[tuple[int, int], tuple[int, int]]
    levels: tuple[Any, Any]
    conf_level: float
    n: int
    n_dropped: int
    dropped: tuple[Dropped, ...]
    statistic: float
    df: float
    p_value: float
    statistic_uncorrected: float
    p_value_uncorrected: float
    exact_p_value: float
    estimate: float
    se: float
    ci_low: float
    ci_high: float
    checks: tuple[Check, ...]
    warnings: tuple[str, ...]
    summary: str


@dataclass(frozen=True)
class GoodnessOfFit(Result):
    method: str
    n: int
    observed: tuple[int, ...]
    expected: tuple[float, ...]
    statistic: float
    df: float
    p_value: float
    warnings: tuple[str, ...]
    summary: str


def _chi(table: np.ndarray, correct: bool) -> ChiSquare:
    res = stats.chi2_contingency(table, correction=correct)
    e = res.expected_freq
    n = table.sum()
    rows, cols = table.sum(axis=1, keepdims=True) / n, table.sum(axis=0, keepdims=True) / n
    pearson = (table - e) / np.sqrt(e)
    std = (table - e) / np.sqrt(e * (1 - rows) * (1 - cols))
    name = "Pearson chi-square" + (" with Yates' continuity correction" if correct else "")
    rowsof = lambda m: tuple(tuple(float(v) for v in r) for r in m)  # noqa: E731
    return ChiSquare(
        name, float(res.statistic), float(res.dof), float(res.pvalue), correct, rowsof(e), rowsof(pearson), rowsof(std)
    )


def contingency(
    table: Any,
    *,
    levels: Sequence[Any] | None = None,
    outcome_levels: Sequence[Any] | None = None,
    outcome: str = "outcome",
    group: str = "group",
    conf_level: float = 0.95,
    alternative: str = "two-sided",
    dropped: tuple[Dropped, ...] = (),
) -> Table:
    """Analyse a table of counts (groups as rows, outcome levels as columns).

    Every table gets Pearson's chi-square with expected counts, Pearson and standardised residuals (as R's
    `chisq.test`). A 2×2 table also gets Yates' corrected chi-square, Fisher's exact test with the conditional
    MLE odds ratio and its exact CI (R's `fisher.test`), and the risk difference (Wald CI), risk ratio and
    sample odds ratio (log-scale Wald CIs) for the first outcome column (the event).
    """
    check_level(conf_level)
    check_alternative(alternative)
    t = np.asarray(table, dtype=np.float64)
    if t.ndim != 2 or min(t.shape) < 2:
        raise StatsInputError(f"a table needs at least 2 rows and 2 columns; got shape {t.shape}")
    if (t < 0).any() or not np.all(t == np.round(t)):
        raise StatsInputError("table cells must be whole, non-negative counts")
    r, c = t.shape
    levels = tuple(levels) if levels is not None else tuple(range(1, r + 1))
    outcome_levels = tuple(outcome_levels) if outcome_levels is not None else tuple(range(1, c + 1))
    for axis, lab in ((1, group), (0, outcome)):
        sums = t.sum(axis=axis)
        if (sums == 0).any():
            which = (levels if axis == 1 else outcome_levels)[int(np.flatnonzero(sums == 0)[0])]
            raise StatsInputError(f"column '{lab}': level '{which}' has no rows, so the table has an empty margin")
    n = int(t.sum())
    chi = _chi(t, False)
    warnings = dropped_warnings(dropped)
    small = sum(v < 5 for row in chi.expected for v in row)
    smallest = min(v for row in chi.expected for v in row)
    cells = Check(
        "small expected cells", small == 0,
        f"{small} cell(s) with an expected count below 5 (smallest {smallest:.3g})" if small
        else f"every expected count is 5 or more (smallest {smallest:.3g})",
        float(small), None,
    )  # fmt: skip
    if small:
        warnings.append(
            f"{small} cell(s) have expected counts below 5: the chi-square test may be inaccurate; "
            "use Fisher's exact test"
        )
    corrected = fisher = es = None
    est = se = lo = hi = None
    sizes: list[EffectSize] = []
    props = tuple(float(v) for v in t[:, 0] / t.sum(axis=1)) if c == 2 else None
    if r == 2 and c == 2:
        corrected = _chi(t, True)
        cond = Conditional(t.astype(int))
        f_lo, f_hi = cond.interval(conf_level, alternative)
        fisher = Fisher(float(stats.fisher_exact(t, alternative=alternative).pvalue), cond.mle(), f_lo, f_hi)
        (a, b), (cc, d) = (float(v) for v in t[0]), (float(v) for v in t[1])
        n1, n2 = a + b, cc + d
        p1, p2 = a / n1, cc / n2
        z = float(stats.norm.ppf(0.5 + conf_level / 2))
        est = p1 - p2
        se = math.sqrt(p1 * (1 - p1) / n1 + p2 * (1 - p2) / n2)
        lo, hi = est - z * se, est + z * se
        es = EffectSize("risk_difference", est, lo, hi)
        sizes.append(es)
        if a > 0 and cc > 0:
            rr = p1 / p2
            s = math.sqrt(1 / a - 1 / n1 + 1 / cc - 1 / n2)
            sizes.append(EffectSize("risk_ratio", rr, rr * math.exp(-z * s), rr * math.exp(z * s)))
        if min(a, b, cc, d) > 0:
            orr = a * d / (b * cc)
            s = math.sqrt(1 / a + 1 / b + 1 / cc + 1 / d)
            sizes.append(EffectSize("odds_ratio", orr, orr * math.exp(-z * s), orr * math.exp(z * s)))
        else:
            warnings.append("a cell is zero: the sample odds ratio is undefined; see Fisher's conditional odds ratio")
        sizes.append(EffectSize("odds_ratio_conditional", fisher.odds_ratio, f_lo, f_hi))
        text = (
            f"The proportion with '{outcome_levels[0]}' was {say.num(p1 * 100)}% in group {levels[0]} (n = {int(n1)}) "
            f"and {say.num(p2 * 100)}% in group {levels[1]} (n = {int(n2)}), a difference of "
            f"{say.num(est * 100)} percentage points ({say.ci(lo * 100, hi * 100, conf_level)}; "
            f"Fisher's exact {say.pval(fisher.p_value)}); {say.evidence(fisher.p_value)}. {say.observational_caveat()}"
        )
    else:
        text = (
            f"Across {n} people the distribution of '{outcome}' differed between the {r} groups of '{group}' by "
            f"chi-square = {say.num(chi.statistic)} on {int(chi.df)} df ({say.pval(chi.p_value)}); "
            f"{say.evidence(chi.p_value)}."
        )
    table_out = tuple(tuple(int(v) for v in row) for row in t)
    return Table(
        "proportions", outcome, group, levels, outcome_levels, outcome_levels[0], table_out, conf_level, alternative,
        n, n_dropped(dropped), dropped, props, chi.statistic, chi.df, chi.p_value, est, se, lo, hi, chi, corrected,
        fisher, es, tuple(sizes), (cells,), tuple(warnings), text,
    )  # fmt: skip


def _event_first(found: list[Any], event: Any, label: str) -> list[Any]:
    """Outcome levels with the event first. Default event: the second of two sorted levels (1 of 0/1, yes of no/yes)."""
    if event is None:
        return [found[1], found[0]] + found[2:] if len(found) == 2 else found
    key = str(level_value(event))
    match = [f for f in found if str(f) == key]
    if not match:
        raise StatsInputError(f"column '{label}' has no level '{event}'; its levels are: {', '.join(map(str, found))}")
    return [match[0]] + [f for f in found if f is not match[0]]


def proportions(
    outcome: Any,
    group: Any,
    *,
    data: Data = None,
    levels: Sequence[Any] | None = None,
    event: Any = None,
    conf_level: float = 0.95,
    alternative: str = "two-sided",
) -> Table:
    """Cross-tabulate `group` (rows) by `outcome` (columns, the event first) and run `contingency`."""
    raw_y, ly = column(data, outcome, "outcome")
    raw_g, lg = column(data, group, "group")
    if len(raw_y) != len(raw_g):
        raise StatsInputError(f"'{lg}' has {len(raw_g)} values but '{ly}' has {len(raw_y)}")
    yc, ylv = factor(raw_y, ly)
    gc, glv = factor(raw_g, lg, levels)
    require_levels(gc, glv, lg, max(2, len(glv)))
    require_levels(yc, ylv, ly, max(2, len(ylv)))
    order = _event_first(ylv, event, ly)
    yc, ylv = factor(raw_y, ly, order)
    keep, dropped = complete({ly: yc < 0, lg: gc < 0})
    if keep is not None:
        yc, gc = yc[keep], gc[keep]
    counts = np.bincount(gc * len(ylv) + yc, minlength=len(glv) * len(ylv)).reshape(len(glv), len(ylv))
    return contingency(
        counts, levels=glv, outcome_levels=ylv, outcome=ly, group=lg, conf_level=conf_level,
        alternative=alternative, dropped=dropped,
    )  # fmt: skip


def mcnemar_table(
    table: Any, *, before: str = "before", after: str = "after", levels: tuple[Any, Any] = (1, 0),
    conf_level: float = 0.95, dropped: tuple[Dropped, ...] = (),
) -> McNemar:  # fmt: skip
    """McNemar's test on a 2×2 table of before (rows) by after (columns), the event first.

    Statistic (|b − c| − 1)² / (b + c) with continuity correction (R's default) and (b − c)² / (b + c) without;
    the exact p-value is the two-sided binomial test of b against b + c. The estimate is the change in the
    proportion with the event (after − before) with its Wald CI for paired proportions.
    """
    check_level(conf_level)
    t = np.asarray(table, dtype=np.float64)
    if t.shape != (2, 2):
        raise StatsInputError(f"McNemar's test needs a 2×2 table; got shape {t.shape}")
    (a, b), (c, d) = t
    n = a + b + c + d
    if b + c == 0:
        raise StatsInputError(f"no one changed between '{before}' and '{after}', so McNemar's test is undefined")
    x2 = (b - c) ** 2 / (b + c)
    x2c = (abs(b - c) - 1) ** 2 / (b + c)
    exact = float(stats.binomtest(int(b), int(b + c), 0.5).pvalue)
    est = (c - b) / n  # after-event proportion (a + c)/n minus before (a + b)/n
    se = math.sqrt((b + c) - (b - c) ** 2 / n) / n
    z = float(stats.norm.ppf(0.5 + conf_level / 2))
    p = float(stats.chi2.sf(x2c, 1))
    warnings = dropped_warnings(dropped)
    discordant = Check(
        "enough people changed", b + c >= 25,
        f"{int(b + c)} people changed; the chi-square approximation wants 25 or more", float(b + c), None,
    )  # fmt: skip
    if b + c < 25:
        warnings.append(f"only {int(b + c)} people changed: rely on the exact p-value")
    text = (
        f"The proportion with '{levels[0]}' went from {say.num((a + b) / n * 100)}% at '{before}' to "
        f"{say.num((a + c) / n * 100)}% at '{after}', a change of {say.num(est * 100)} percentage points "
        f"({say.ci((est - z * se) * 100, (est + z * se) * 100, conf_level)}; McNemar {say.pval(p)}); "
        f"{say.evidence(p)}. {say.prepost_caveat()}"
    )
    return McNemar(
        "mcnemar", before, after, ((int(a), int(b)), (int(c), int(d))), levels, conf_level, int(n),
        n_dropped(dropped), dropped, x2c, 1.0, p, x2, float(stats.chi2.sf(x2, 1)), exact, est, se, est - z * se,
        est + z * se, (discordant,), tuple(warnings), text,
    )  # fmt: skip


def mcnemar(before: Any, after: Any, *, data: Data = None, event: Any = None, conf_level: float = 0.95) -> McNemar:
    """McNemar's test for a binary outcome measured twice on the same people (see `mcnemar_table`)."""
    raw_b, lb = column(data, before, "before")
    raw_a, la = column(data, after, "after")
    if len(raw_a) != len(raw_b):
        raise StatsInputError(f"'{lb}' has {len(raw_b)} values but '{la}' has {len(raw_a)}; pairs must line up")
    _, lv_b = factor(raw_b, lb)
    _, lv_a = factor(raw_a, la)
    found = sorted_levels(list(dict.fromkeys([*lv_b, *lv_a])))
    if len(found) != 2:
        shown = ", ".join(map(str, found))
        raise StatsInputError(
            f"columns '{lb}' and '{la}' have {len(found)} value(s) ({shown}); McNemar needs exactly 2"
        )
    order = _event_first(found, event, lb)
    bc, _ = factor(raw_b, lb, order, strict=False)
    ac, _ = factor(raw_a, la, order, strict=False)
    keep, dropped = complete({lb: bc < 0, la: ac < 0})
    if keep is not None:
        bc, ac = bc[keep], ac[keep]
    table = np.bincount(bc * 2 + ac, minlength=4).reshape(2, 2)
    return mcnemar_table(
        table, before=lb, after=la, levels=(order[0], order[1]), conf_level=conf_level, dropped=dropped
    )


def goodness_of_fit(
    values: Any = None,
    *,
    data: Data = None,
    counts: Sequence[float] | None = None,
    p: Sequence[float] | None = None,
    rescale_p: bool = False,
) -> GoodnessOfFit:
    """Chi-square goodness of fit of observed counts (or of a column's sorted levels) to probabilities `p`.

    Equal probabilities when `p` is None; `rescale_p` divides `p` by its sum, as R's `chisq.test`.
    """
    label = "values"
    if counts is None:
        raw, label = column(data, values, "values")
        codes, _ = factor(raw, label)
        if (codes < 0).all():
            raise StatsInputError(f"column '{label}' has no values: all {len(codes)} rows are missing")
        obs = np.bincount(codes[codes >= 0]).astype(np.float64)
    else:
        obs = numeric(list(counts), "counts")
    k = len(obs)
    probs = np.full(k, 1 / k) if p is None else numeric(list(p), "p")
    if len(probs) != k:
        raise StatsInputError(f"{len(probs)} probabilities given for {k} categories of '{label}'")
    if rescale_p:
        probs = probs / probs.sum()
    if abs(probs.sum() - 1) > 1e-8 or (probs < 0).any():
        raise StatsInputError("probabilities must be non-negative and sum to 1 (or use rescale_p)")
    n = obs.sum()
    expected = n * probs
    res = stats.chisquare(obs, expected)
    warnings = (
        ("some expected counts are below 5: the chi-square approximation may be incorrect",)
        if (expected < 5).any()
        else ()
    )
    stat, p_value = float(res.statistic), float(res.pvalue)
    text = f"Chi-square = {say.num(stat)} on {k - 1} df ({say.pval(p_value)}); {say.evidence(p_value)}."
    return GoodnessOfFit(
        "goodness-of-fit", int(n), tuple(int(v) for v in obs), tuple(float(v) for v in expected),
        float(res.statistic), float(k - 1), float(res.pvalue), warnings, text,
    )  # fmt: skip
