"""Agreement and reliability: Cohen's kappa, Krippendorff's alpha and Cronbach's alpha."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy import stats

from pine.stats import summary as say
from pine.stats._base import (
    Data,
    Dropped,
    Result,
    StatsInputError,
    check_level,
    column,
    complete,
    dropped_warnings,
    factor,
    n_dropped,
    numeric,
    sorted_levels,
)

WEIGHTS = ("none", "linear", "quadratic")
LEVELS = ("nominal", "ordinal", "interval", "ratio")


@dataclass(frozen=True)
class Kappa(Result):
    method: str
    rater1: str
    rater2: str
    weights: str
    categories: tuple[Any, ...]
    conf_level: float
    n: int
    n_dropped: int
    dropped: tuple[Dropped, ...]
    kappa: float
    estimate: float
    se: float
    ci_low: float
    ci_high: float
    statistic: float
    p_value: float
    observed_agreement: float
    warnings: tuple[str, ...]
    summary: str


@dataclass(frozen=True)
class Krippendorff(Result):
    method: str
    raters: tuple[str, ...]
    level: str
    n_units: int
    n_pairable: int
    alpha: float
    estimate: float
    observed_disagreement: float
    expected_disagreement: float
    warnings: tuple[str, ...]
    summary: str


@dataclass(frozen=True)
class Item(Result):
    item: str
    mean: float
    sd: float
    item_total_correlation: float
    alpha_if_deleted: float


@dataclass(frozen=True)
class Cronbach(Result):
    method: str
    items: tuple[str, ...]
    conf_level: float
    n: int
    n_dropped: int
    dropped: tuple[Dropped, ...]
    alpha: float
    estimate: float
    ci_low: float
    ci_high: float
    item_statistics: tuple[Item, ...]
    warnings: tuple[str, ...]
    summary: str


def _strength(value: float) -> str:
    """Landis & Koch (1977) labels, said to be a rough guide."""
    for cut, word in ((0.8, "almost perfect"), (0.6, "substantial"), (0.4, "moderate"), (0.2, "fair"), (0.0, "slight")):
        if value > cut:
            return word
    return "poor"


def kappa(rater1: Any, rater2: Any, *, data: Data = None, weights: str = "none", conf_level: float = 0.95) -> Kappa:
    """Cohen's kappa for two raters, unweighted or with linear/quadratic weights (statsmodels, as R's irr::kappa2).

    The table holds only the categories used (sorted); weights depend on the category's position, not its
    value: 1 − |i − j|/(k − 1) or 1 − (i − j)²/(k − 1)². z and p use the variance under no agreement beyond
    chance; the CI uses the asymptotic SE (Fleiss, Cohen & Everitt 1969). Rows missing either rating are dropped.
    """
    check_level(conf_level)
    if weights not in WEIGHTS:
        raise StatsInputError(f"weights must be one of {', '.join(WEIGHTS)}, not '{weights}'")
    raw1, l1 = column(data, rater1, "rater1")
    raw2, l2 = column(data, rater2, "rater2")
    if len(raw1) != len(raw2):
        raise StatsInputError(f"'{l1}' has {len(raw1)} ratings but '{l2}' has {len(raw2)}")
    _, lv1 = factor(raw1, l1)
    _, lv2 = factor(raw2, l2)
    cats = sorted_levels(list(dict.fromkeys([*lv1, *lv2])))
    c1, _ = factor(raw1, l1, cats, strict=False)
    c2, _ = factor(raw2, l2, cats, strict=False)
    keep, dropped = complete({l1: c1 < 0, l2: c2 < 0})
    if keep is not None:
        c1, c2 = c1[keep], c2[keep]
    k = len(cats)
    if k < 2:
        raise StatsInputError(f"columns '{l1}' and '{l2}' use only one category, so kappa is undefined")
    from statsmodels.stats.inter_rater import cohens_kappa  # imported here: slow, and only kappa needs it

    table = np.bincount(c1 * k + c2, minlength=k * k).reshape(k, k).astype(np.float64)
    n = int(table.sum())
    res = cohens_kappa(table, wt=None if weights == "none" else weights)
    z = float(stats.norm.ppf(0.5 + conf_level / 2))
    kap, se = float(res.kappa), float(res.std_kappa)
    p_value = float(res.pvalue_two_sided)
    text = (
        f"The two raters' agreement beyond chance ({weights if weights != 'none' else 'unweighted'} kappa) was "
        f"{say.num(kap)} ({say.ci(kap - z * se, kap + z * se, conf_level)}; {say.pval(p_value)}), "
        f"'{_strength(kap)}' on the Landis and Koch scale, across {n} items."
    )
    warnings = dropped_warnings(dropped)
    if n < 30:
        warnings.append(f"only {n} items rated by both: kappa is imprecise")
    return Kappa(
        "kappa", l1, l2, weights, tuple(cats), conf_level, n, n_dropped(dropped), dropped, kap, kap, se, kap - z * se,
        kap + z * se, float(res.z_value), p_value, float(np.trace(table) / n), tuple(warnings), text,
    )  # fmt: skip


def krippendorff(raters: Sequence[Any], *, data: Data = None, level: str = "nominal") -> Krippendorff:
    """Krippendorff's alpha for any number of raters (columns) and units (rows), missing ratings allowed.

    Computed from the coincidence matrix (Krippendorff 2011, "Computing Krippendorff's alpha-reliability"):
    units with fewer than two ratings are not pairable and drop out. Hand-written because no maintained library
    is installed; checked against the published worked example. `level` sets the difference function.
    """
    if level not in LEVELS:
        raise StatsInputError(f"level must be one of {', '.join(LEVELS)}, not '{level}'")
    if len(raters) < 2:
        raise StatsInputError("Krippendorff's alpha needs at least two raters (columns)")
    cols = [column(data, r, f"rater {i + 1}") for i, r in enumerate(raters)]
    labels = tuple(lab for _, lab in cols)
    n_units = len(cols[0][0])
    for raw, lab in cols:
        if len(raw) != n_units:
            raise StatsInputError(f"column '{lab}' has {len(raw)} rows but '{labels[0]}' has {n_units}")
    if level == "nominal":
        found: list[Any] = []
        for raw, lab in cols:
            found += factor(raw, lab)[1]
        values = sorted_levels(list(dict.fromkeys(found)))
        codes = np.column_stack([factor(raw, lab, values, strict=False)[0] for raw, lab in cols])
        scores = np.arange(len(values), dtype=np.float64)
    else:
        nums = np.column_stack([numeric(raw, lab) for raw, lab in cols])
        present = nums[~np.isnan(nums)]
        if not len(present):
            raise StatsInputError(f"columns {', '.join(labels)} have no ratings")
        scores = np.unique(present)
        codes = np.where(np.isnan(nums), -1, np.searchsorted(scores, np.nan_to_num(nums))).astype(np.int64)
        values = [float(s) for s in scores]
    L = len(scores)
    counts = np.zeros((n_units, L))
    for j in range(codes.shape[1]):
        ok = codes[:, j] >= 0
        np.add.at(counts, (np.flatnonzero(ok), codes[ok, j]), 1)
    m = counts.sum(axis=1)
    pairable = m >= 2
    if pairable.sum() == 0:
        raise StatsInputError(f"no unit (row) has two or more ratings in {', '.join(labels)}")
    cu, mu = counts[pairable], m[pairable]
    o = (cu / (mu - 1)[:, None]).T @ cu
    o -= np.diag((cu / (mu - 1)[:, None]).sum(axis=0))
    nc = o.sum(axis=1)
    n = nc.sum()
    if level in ("nominal",):
        delta = 1.0 - np.eye(L)
    elif level == "interval":
        delta = (scores[:, None] - scores[None, :]) ** 2
    elif level == "ratio":
        tot = scores[:, None] + scores[None, :]
        delta = np.where(tot == 0, 0.0, ((scores[:, None] - scores[None, :]) / np.where(tot == 0, 1, tot)) ** 2)
    else:
        cum = np.cumsum(nc)
        row, col = np.meshgrid(np.arange(L), np.arange(L), indexing="ij")
        lo, hi = np.minimum(row, col), np.maximum(row, col)
        between = cum[hi] - np.where(lo > 0, cum[lo - 1], 0.0)
        delta = (between - (nc[row] + nc[col]) / 2) ** 2
    d_o = float((o * delta).sum() / n)
    d_e = float((np.outer(nc, nc) * delta).sum() / (n * (n - 1)))
    if d_e == 0:
        raise StatsInputError(f"every rating in {', '.join(labels)} is the same, so alpha is undefined")
    alpha = 1 - d_o / d_e
    text = (
        f"Krippendorff's alpha ({level}) across {len(labels)} raters and {int(pairable.sum())} units rated at least "
        f"twice was {say.num(alpha)}; 0.8 or more is usually taken as reliable, 0.667 as the lowest acceptable."
    )
    warnings = () if len(values) > 1 else ("only one value was used",)
    return Krippendorff(
        "krippendorff", labels, level, n_units, int(pairable.sum()), alpha, alpha, d_o, d_e, warnings, text
    )


def cronbach(items: Sequence[Any], *, data: Data = None, conf_level: float = 0.95) -> Cronbach:
    """Cronbach's alpha with listwise deletion, Feldt's (1965) CI, and per-item statistics.

    alpha = k/(k − 1)·(1 − Σ var(item)/var(total)); the corrected item-total correlation correlates each item
    with the total of the others; alpha-if-deleted recomputes alpha without the item (as R's psych::alpha).
    """
    check_level(conf_level)
    if len(items) < 2:
        raise StatsInputError("Cronbach's alpha needs at least two items (columns)")
    cols = [column(data, it, f"item {i + 1}") for i, it in enumerate(items)]
    labels = tuple(lab for _, lab in cols)
    x = np.column_stack([numeric(raw, lab) for raw, lab in cols])
    keep, dropped = complete({lab: x[:, j] for j, lab in enumerate(labels)})
    if keep is not None:
        x = x[keep]
    n, k = x.shape
    if n < 2:
        raise StatsInputError(f"items {', '.join(labels)} have {n} complete row(s); at least 2 are needed")
    var = x.var(axis=0, ddof=1)
    for lab, vv in zip(labels, var, strict=True):
        if vv == 0:
            raise StatsInputError(f"column '{lab}' has the same value in every complete row (zero variance)")

    def alpha_of(cols_x: np.ndarray) -> float:
        kk = cols_x.shape[1]
        return kk / (kk - 1) * (1 - cols_x.var(axis=0, ddof=1).sum() / cols_x.sum(axis=1).var(ddof=1))

    alpha = float(alpha_of(x))
    total = x.sum(axis=1)
    stats_items = []
    for j, lab in enumerate(labels):
        rest = total - x[:, j]
        r = float(np.corrcoef(x[:, j], rest)[0, 1])
        deleted = float(alpha_of(np.delete(x, j, axis=1))) if k > 2 else float("nan")
        stats_items.append(Item(lab, float(x[:, j].mean()), float(np.sqrt(var[j])), r, deleted))
    a = 1 - conf_level
    df1, df2 = n - 1, (n - 1) * (k - 1)
    lo = 1 - (1 - alpha) * float(stats.f.ppf(1 - a / 2, df1, df2))
    hi = 1 - (1 - alpha) * float(stats.f.ppf(a / 2, df1, df2))
    text = (
        f"Cronbach's alpha for the {k} items was {say.num(alpha)} ({say.ci(lo, hi, conf_level)}) across {n} people "
        f"with every item answered; 0.7 or more is usually taken as acceptable for group comparisons."
    )
    warnings = dropped_warnings(dropped)
    return Cronbach(
        "cronbach", labels, conf_level, n, n_dropped(dropped), dropped, alpha, alpha, lo, hi, tuple(stats_items),
        tuple(warnings), text,
    )  # fmt: skip
