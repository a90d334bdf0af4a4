"""Comparison-group designs: ANCOVA (post ~ pre + group) and difference-in-differences, optionally clustered.

Group differences are first level minus second level (levels sorted unless `levels` is given), as in
emmeans' pairwise contrasts. F-tests are Type II (each term against the model with every other term), which
for these main-effects models equals Type III.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy import special, stats

from pine.stats import _ols
from pine.stats import summary as say
from pine.stats._base import (
    Check,
    Data,
    Dropped,
    EffectSize,
    Result,
    StatsInputError,
    check_level,
    column,
    complete,
    distribution_checks,
    dropped_warnings,
    factor,
    n_dropped,
    numeric,
    require_levels,
)
from pine.stats._numeric import (
    p_from_t,
    t_quantile,
)


@dataclass(frozen=True)
class Term(Result):
    name: str
    df: float
    ss: float
    statistic: float | None
    p_value: float | None
    partial_eta_sq: float | None
    eta_sq: float | None


@dataclass(frozen=True)
class AdjustedMean(Result):
    level: Any
    mean: float
    se: float
    ci_low: float
    ci_high: float


@dataclass(frozen=True)
class Contrast(Result):
    label: str
    estimate: float
    se: float
    statistic: float
    df: float
    p_value: float
    p_tukey: float | None
    ci_low: float
    ci_high: float


@dataclass(frozen=True)
class Ancova(Result):
    """Headline numbers are the first contrast (level 1 − level 2), adjusted for the covariates."""

    method: str
    outcome: str
    covariates: tuple[str, ...]
    group: str
    levels: tuple[Any, ...]
    conf_level: float
    se_type: str
    n: int
    n_per_group: tuple[int, ...]
    n_clusters: int | None
    n_dropped: int
    dropped: tuple[Dropped, ...]
    estimate: float
    se: float
    statistic: float
    df: float
    p_value: float
    ci_low: float
    ci_high: float
    slopes: tuple[float, ...]
    adjusted_means: tuple[AdjustedMean, ...]
    contrasts: tuple[Contrast, ...]
    terms: tuple[Term, ...]
    effect_size: EffectSize
    checks: tuple[Check, ...]
    warnings: tuple[str, ...]
    summary: str


@dataclass(frozen=True)
class DiffInDiff(Result):
    method: str
    outcome: str
    group: str
    period: str
    levels: tuple[Any, Any]
    periods: tuple[Any, Any]
    conf_level: float
    se_type: str
    n: int
    n_clusters: int | None
    n_dropped: int
    dropped: tuple[Dropped, ...]
    cell_means: tuple[tuple[float, float], tuple[float, float]]
    cell_n: tuple[tuple[int, int], tuple[int, int]]
    estimate: float
    se: float
    se_classical: float
    statistic: float
    df: float
    p_value: float
    ci_low: float
    ci_high: float
    checks: tuple[Check, ...]
    warnings: tuple[str, ...]
    summary: str


def _cluster_codes(data: Data, spec: Any, keep: np.ndarray | None, n_rows: int) -> np.ndarray:
    """Cluster codes 0..G−1 for the analysed rows; a missing cluster or fewer than 2 clusters raises."""
    raw, label = column(data, spec, "cluster")
    if len(raw) != n_rows:
        raise StatsInputError(f"column '{label}' has {len(raw)} rows but the outcome has {n_rows}")
    codes, _ = factor(raw, label)
    if (codes < 0).any():
        raise StatsInputError(f"column '{label}': row {int(np.flatnonzero(codes < 0)[0]) + 1} has no cluster")
    if keep is not None:
        codes = codes[keep]
    uniques, codes = np.unique(codes, return_inverse=True)
    if len(uniques) < 2:
        raise StatsInputError(f"column '{label}' has {len(uniques)} cluster; cluster-robust SEs need at least 2")
    return np.asarray(codes, dtype=np.int64)


def _t_stats(est: float, se: float, df: float, conf_level: float) -> tuple[float, float, float, float]:
    t = est / se
    q = t_quantile(0.5 + conf_level / 2, df)
    return t, p_from_t(t, df, "two-sided"), est - q * se, est + q * se


def ancova(
    post: Any,
    group: Any,
    *,
    pre: Any = None,
    covariates: Sequence[Any] = (),
    data: Data = None,
    levels: Sequence[Any] | None = None,
    cluster: Any = None,
    conf_level: float = 0.95,
) -> Ancova:
    """ANCOVA: `post ~ pre (+ other covariates) + group`, by least squares.

    Returns the adjusted difference between groups with SE, CI and p (first level minus second), adjusted
    means at the covariate means with SEs (emmeans' least-squares means), every pairwise contrast with a Tukey
    p-value, the Type II ANOVA table with partial and total eta², and a slopes-homogeneity check. With
    `cluster`, SEs are cluster-robust (CR1) with G − 1 degrees of freedom. Missing rows are dropped listwise.
    """
    check_level(conf_level)
    specs = ([pre] if pre is not None else []) + list(covariates)
    if not specs:
        raise StatsInputError("ANCOVA needs at least one covariate (the pre-test score)")
    raw_y, ly = column(data, post, "post")
    y = numeric(raw_y, ly)
    xs: list[np.ndarray] = []
    labels: list[str] = []
    for i, spec in enumerate(specs):
        raw, lab = column(data, spec, "pre" if i == 0 and pre is not None else f"covariate {i + 1}")
        xs.append(numeric(raw, lab))
        labels.append(lab)
    raw_g, lg = column(data, group, "group")
    codes, found = factor(raw_g, lg, levels)
    for lab, arr in zip([lg, *labels], [codes, *xs], strict=True):
        if len(arr) != len(y):
            raise StatsInputError(f"column '{lab}' has {len(arr)} rows but '{ly}' has {len(y)}")
    require_levels(codes, found, lg, max(2, len(found)) if levels is None else len(levels))
    keep, dropped = complete({ly: y, **dict(zip(labels, xs, strict=True)), lg: codes < 0})
    if keep is not None:
        y, codes, xs = y[keep], codes[keep], [x[keep] for x in xs]
    k = len(found)
    counts = np.bincount(codes, minlength=k)
    for lv, c in zip(found, counts, strict=True):
        if c < 2:
            raise StatsInputError(f"column '{lg}': group '{lv}' has {c} complete row(s); at least 2 are needed")
    n, nc = len(y), len(xs)
    dummies = [(codes == j).astype(np.float64) for j in range(1, k)]
    interactions = [d * (xs[0] - xs[0].mean()) for d in dummies]
    g = _ols.gram([*xs, *dummies, *interactions], y)
    # A constant column centres to exact zeros, so its sum of squares in the Gram matrix is exactly 0.
    for j, lab in [*enumerate(labels), (g.matrix.shape[0] - 1, ly)]:
        if g.matrix[j, j] == 0:
            raise StatsInputError(f"column '{lab}' has the same value in every row (zero variance)")
    cov_idx = list(range(nc))
    grp_idx = list(range(nc, nc + k - 1))
    full = _ols.solve(g, cov_idx + grp_idx)
    df_res = full.df_resid
    if df_res < 1:
        raise StatsInputError(f"too few rows ({n}) for {nc} covariate(s) and {k} groups")
    sigma2 = full.sse / df_res
    resid = _ols.residuals(g, full)
    # Covariance of (mean at the covariate means, slopes); the two are uncorrelated in the classical case.
    cov = np.zeros((len(full.beta) + 1,) * 2)
    cov[0, 0] = sigma2 / n
    cov[1:, 1:] = sigma2 * full.inverse
    se_type, df_t, n_clusters = "classical", float(df_res), None
    if cluster is not None:
        cov, n_clusters = _ols.cluster(g, full, resid, _cluster_codes(data, cluster, keep, len(raw_y)))
        se_type, df_t = "cluster-robust (CR1)", float(n_clusters - 1)
    terms = []
    for name, drop in [(lg, grp_idx), *[(lab, [i]) for i, lab in enumerate(labels)]]:
        reduced = _ols.solve(g, [c for c in cov_idx + grp_idx if c not in drop])
        ss = reduced.sse - full.sse
        f = (ss / len(drop)) / sigma2
        p = float(special.fdtrc(len(drop), df_res, f))
        terms.append(Term(name, float(len(drop)), ss, f, p, ss / (ss + full.sse), math.nan))
    terms.append(Term("Residual", float(df_res), full.sse, None, None, None, None))
    # eta² over the sum of the table's SS (pingouin, JASP); with Type II SS this is not the corrected total SS.
    table_ss = sum(t.ss for t in terms)
    terms = [dataclasses.replace(t, eta_sq=t.ss / table_ss) if t.statistic is not None else t for t in terms]
    # Adjusted means at the covariate means: ybar + (dummy_j - mean dummy_j) · b_group.
    dmeans = g.means[nc : nc + k - 1]
    b_grp = full.beta[nc:]
    v_grp = cov[1 + nc :, 1 + nc :]
    means: list[AdjustedMean] = []
    q = t_quantile(0.5 + conf_level / 2, df_t)
    for j in range(k):
        c = -dmeans.copy()
        if j > 0:
            c[j - 1] += 1
        m = float(g.means[-1] + c @ b_grp)
        se = math.sqrt(cov[0, 0] + 2 * float(c @ cov[1 + nc :, 0]) + float(c @ v_grp @ c))
        means.append(AdjustedMean(found[j], m, se, m - q * se, m + q * se))
    contrasts: list[Contrast] = []
    for i in range(k):
        for j in range(i + 1, k):
            c = np.zeros(k - 1)
            if i > 0:
                c[i - 1] += 1
            if j > 0:
                c[j - 1] -= 1
            est = float(c @ b_grp)
            se = math.sqrt(float(c @ v_grp @ c))
            t, p, lo, hi = _t_stats(est, se, df_t, conf_level)
            tukey = float(stats.studentized_range.sf(abs(t) * math.sqrt(2), k, df_t)) if k > 2 else p
            contrasts.append(Contrast(f"{found[i]} - {found[j]}", est, se, t, df_t, p, min(tukey, 1.0), lo, hi))
    head = contrasts[0]
    # Pooled within-group SD from the Gram matrix: the centred dummy-by-outcome products are n_j·(ȳ_j − ȳ).
    dev_sums = np.append(-g.matrix[nc : nc + k - 1, -1].sum(), g.matrix[nc : nc + k - 1, -1])
    ss_between = float(np.sum(dev_sums * dev_sums / counts))
    sd_pooled = math.sqrt((float(g.matrix[-1, -1]) - ss_between) / (n - k))
    es = EffectSize("adjusted_d", head.estimate / sd_pooled, head.ci_low / sd_pooled, head.ci_high / sd_pooled)
    inter = _ols.solve(g, cov_idx + grp_idx + list(range(nc + k - 1, nc + 2 * (k - 1))))
    ss_i = full.sse - inter.sse
    f_i = (ss_i / (k - 1)) / (inter.sse / inter.df_resid) if inter.df_resid > 0 and inter.sse > 0 else math.nan
    p_i = float(special.fdtrc(k - 1, inter.df_resid, f_i)) if math.isfinite(f_i) else math.nan
    checks = (
        Check(
            "parallel slopes", not p_i < 0.05, f"group × '{labels[0]}' interaction F-test", f_i,
            p_i if math.isfinite(p_i) else None,
        ),
        *distribution_checks(resid, "residuals", dev=resid, var=full.sse / (n - 1)),
    )  # fmt: skip
    warnings = dropped_warnings(dropped)
    if not checks[0].passed:
        warnings.append(
            f"the relationship with '{labels[0]}' differs between groups; an adjusted difference may mislead"
        )
    if n_clusters is not None and n_clusters < 30:
        warnings.append(f"only {n_clusters} clusters: cluster-robust SEs may be too small")
    text = (
        f"After adjusting for {', '.join(repr(lab) for lab in labels)}, the mean of '{ly}' in group {found[0]} was "
        f"{say.num(head.estimate)} compared with group {found[1]} ({say.ci(head.ci_low, head.ci_high, conf_level)}; "
        f"{say.pval(head.p_value)}); {say.evidence(head.p_value)}.{say.small_sample(n)} Unless people were allocated "
        f"to groups at random, the groups may differ in ways the adjustment does not capture."
    )
    return Ancova(
        "ancova", ly, tuple(labels), lg, tuple(found), conf_level, se_type, n, tuple(int(c) for c in counts),
        n_clusters, n_dropped(dropped), dropped, head.estimate, head.se, head.statistic, df_t, head.p_value,
        head.ci_low, head.ci_high, tuple(float(b) for b in full.beta[:nc]), tuple(means), tuple(contrasts),
        tuple(terms), es, checks, tuple(warnings), text,
    )  # fmt: skip


def did(
    outcome: Any,
    group: Any,
    period: Any,
    *,
    data: Data = None,
    levels: Sequence[Any] | None = None,
    periods: Sequence[Any] | None = None,
    cluster: Any = None,
    conf_level: float = 0.95,
) -> DiffInDiff:
    """Difference-in-differences on long data: `outcome ~ group × period`, the interaction is the estimate.

    The estimate is (change from the first to the second period in the first group) minus (the same change in
    the second group). SEs are heteroscedasticity-robust (HC3), or cluster-robust (CR1, G − 1 df) with `cluster`;
    the classical SE is reported too.
    """
    check_level(conf_level)
    raw_y, ly = column(data, outcome, "outcome")
    y = numeric(raw_y, ly)
    raw_g, lg = column(data, group, "group")
    raw_p, lp = column(data, period, "period")
    gc, glv = factor(raw_g, lg, levels)
    pc, plv = factor(raw_p, lp, periods)
    for lab, arr in ((lg, gc), (lp, pc)):
        if len(arr) != len(y):
            raise StatsInputError(f"column '{lab}' has {len(arr)} rows but '{ly}' has {len(y)}")
    require_levels(gc, glv, lg)
    require_levels(pc, plv, lp)
    keep, dropped = complete({ly: y, lg: gc < 0, lp: pc < 0})
    if keep is not None:
        y, gc, pc = y[keep], gc[keep], pc[keep]
    cell_n = np.bincount(gc * 2 + pc, minlength=4).reshape(2, 2)
    for i in range(2):
        for j in range(2):
            if cell_n[i, j] < 2:
                raise StatsInputError(
                    f"columns '{lg}' and '{lp}': group '{glv[i]}' in period '{plv[j]}' has {cell_n[i, j]} row(s); "
                    "at least 2 are needed"
                )
    if float(np.ptp(y)) == 0:
        raise StatsInputError(f"column '{ly}' has the same value in every row (zero variance)")
    first = (gc == 0).astype(np.float64)
    later = (pc == 1).astype(np.float64)
    g = _ols.gram([first, later, first * later], y)
    fit = _ols.solve(g, [0, 1, 2])
    resid = _ols.residuals(g, fit)
    classical = math.sqrt(fit.sse / fit.df_resid * fit.inverse[2, 2])
    n_clusters = None
    if cluster is not None:
        cov, n_clusters = _ols.cluster(g, fit, resid, _cluster_codes(data, cluster, keep, len(raw_y)))
        se_type, df, var = "cluster-robust (CR1)", float(n_clusters - 1), float(cov[3, 3])
    else:
        se_type, df, var = "robust (HC3)", float(fit.df_resid), float(_ols.hc3(g, fit, resid)[2, 2])
    est = float(fit.beta[2])
    se = math.sqrt(var)
    t, p, lo, hi = _t_stats(est, se, df, conf_level)
    sums = np.bincount(gc * 2 + pc, weights=y, minlength=4).reshape(2, 2)
    cm = sums / cell_n
    text = (
        f"From period {plv[0]} to {plv[1]}, '{ly}' changed by {say.num(cm[0, 1] - cm[0, 0])} in group {glv[0]} and "
        f"by {say.num(cm[1, 1] - cm[1, 0])} in group {glv[1]}; the difference in these changes was {say.num(est)} "
        f"({say.ci(lo, hi, conf_level)}; {say.pval(p)}); {say.evidence(p)}. This reads as the service's effect only "
        f"if both groups would otherwise have changed in parallel."
    )
    smallest = int(cell_n.min())
    checks = (
        Check(
            "rows in every group and period", smallest >= 10,
            f"the smallest group-by-period cell has {smallest} rows", float(smallest), None,
        ),
        *distribution_checks(resid, "residuals", dev=resid, var=fit.sse / (len(y) - 1)),
    )  # fmt: skip
    warnings = dropped_warnings(dropped)
    if smallest < 10:
        warnings.append(f"a group-by-period cell has only {smallest} rows: the estimate is imprecise")
    if n_clusters is not None and n_clusters < 30:
        warnings.append(f"only {n_clusters} clusters: cluster-robust SEs may be too small")
    return DiffInDiff(
        "did", ly, lg, lp, (glv[0], glv[1]), (plv[0], plv[1]), conf_level, se_type, len(y), n_clusters,
        n_dropped(dropped), dropped, ((float(cm[0, 0]), float(cm[0, 1])), (float(cm[1, 0]), float(cm[1, 1]))),
        ((int(cell_n[0, 0]), int(cell_n[0, 1])), (int(cell_n[1, 0]), int(cell_n[1, 1]))), est, se, classical, t,
        df, p, lo, hi, checks, tuple(warnings), text,
    )  # fmt: skip
