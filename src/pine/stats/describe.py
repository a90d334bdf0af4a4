"""Descriptive statistics: numeric summaries (optionally by group) and frequency tables for categories."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from pine.stats import summary as say
from pine.stats._base import (
    Data,
    Result,
    StatsInputError,
    column,
    factor,
    missing_labels,
    numeric,
)
from pine.stats._numeric import (
    accurate_mean,
)


@dataclass(frozen=True)
class Numeric(Result):
    """Summary of one numeric column (or one group of it). Quartiles use R's default type 7 (linear)."""

    group: Any
    n: int
    missing: int
    mean: float
    sd: float
    variance: float
    se: float
    median: float
    q1: float
    q3: float
    min: float
    max: float
    lag1_autocorrelation: float


@dataclass(frozen=True)
class Frequency(Result):
    level: Any
    count: int
    percent: float


@dataclass(frozen=True)
class Describe(Result):
    """Result of `describe`: `overall` for numbers, `frequencies` for categories, `groups` when `by` is given."""

    method: str
    column: str
    kind: str
    n: int
    missing: int
    overall: Numeric | None
    groups: tuple[Numeric, ...]
    frequencies: tuple[Frequency, ...]
    warnings: tuple[str, ...]
    summary: str


def _numeric_summary(x: np.ndarray, group: Any, missing: int) -> Numeric:
    n = len(x)
    nan = float("nan")
    if n == 0:
        return Numeric(group, 0, missing, nan, nan, nan, nan, nan, nan, nan, nan, nan, nan)
    m = accurate_mean(x)
    dev = x - m
    ss = float(np.dot(dev, dev))
    var = ss / (n - 1) if n > 1 else nan
    sd = float(np.sqrt(var)) if n > 1 else nan
    # NIST StRD lag-1 autocorrelation: sum (x_i - m)(x_{i+1} - m) / sum (x_i - m)^2.
    lag1 = float(np.dot(dev[:-1], dev[1:]) / ss) if n > 1 and ss > 0 else nan
    q1, med, q3 = (float(v) for v in np.quantile(x, [0.25, 0.5, 0.75]))
    se = sd / np.sqrt(n) if n > 1 else nan
    return Numeric(group, n, missing, m, sd, var, float(se), med, q1, q3, float(x.min()), float(x.max()), lag1)


def _is_categorical(values: Any) -> bool:
    arr = values.to_numpy() if isinstance(values, pd.Series) else np.asarray(values)
    if arr.dtype.kind in "fiub":
        return False
    obj, missing = missing_labels(arr)
    present = obj[~missing]
    converted = pd.to_numeric(pd.Series(present, dtype=object), errors="coerce")
    return bool(len(present)) and bool(converted.isna().all())


def describe(
    values: Any,
    *,
    data: Data = None,
    by: Any = None,
    kind: str = "auto",
) -> Describe:
    """Describe one column: n, missing, mean, SD, SE, median, quartiles, min, max (and by group with `by`).

    `kind="auto"` treats a column with no numeric cells as categories (a frequency table) and a column of
    numbers as numeric; a mix of numbers and text raises `StatsInputError` naming the first text cell's row.
    """
    raw, label = column(data, values, "values")
    if kind not in {"auto", "numeric", "categorical"}:
        raise StatsInputError(f"kind must be auto, numeric or categorical, not '{kind}'")
    categorical = kind == "categorical" or (kind == "auto" and _is_categorical(raw))
    total = len(raw)
    if categorical:
        codes, levels = factor(raw, label)
        missing = int((codes < 0).sum())
        if missing == total:
            raise StatsInputError(f"column '{label}' has no values: all {total} rows are missing")
        counts = np.bincount(codes[codes >= 0], minlength=len(levels))
        n = int(counts.sum())
        freqs = tuple(Frequency(lv, int(c), 100.0 * c / n) for lv, c in zip(levels, counts, strict=True))
        top = max(freqs, key=lambda f: f.count)
        text = (
            f"{n} answers to '{label}' ({missing} missing); the most common was '{top.level}' "
            f"({say.num(top.percent, 3)}%)."
        )
        return Describe("describe", label, "categorical", n, missing, None, (), freqs, (), text)
    x = numeric(raw, label)
    present = ~np.isnan(x)
    missing = int(total - present.sum())
    if missing == total:
        raise StatsInputError(f"column '{label}' has no values: all {total} rows are missing")
    overall = _numeric_summary(x[present], None, missing)
    groups: list[Numeric] = []
    warnings: list[str] = []
    if by is not None:
        graw, glabel = column(data, by, "by")
        if len(graw) != total:
            raise StatsInputError(f"column '{glabel}' has {len(graw)} rows but '{label}' has {total}")
        codes, levels = factor(graw, glabel)
        for j, level in enumerate(levels):
            in_group = codes == j
            groups.append(_numeric_summary(x[in_group & present], level, int((in_group & ~present).sum())))
        if (codes < 0).any():
            warnings.append(f"{int((codes < 0).sum())} row(s) have no '{glabel}' and are in no group")
    if missing:
        warnings.append(f"{missing} row(s) of '{label}' are missing")
    text = (
        f"'{label}' has {overall.n} values ({missing} missing), mean {say.num(overall.mean)} "
        f"(SD {say.num(overall.sd)}), median {say.num(overall.median)} "
        f"(quartiles {say.num(overall.q1)} to {say.num(overall.q3)}), range {say.num(overall.min)} to "
        f"{say.num(overall.max)}."
    )
    return Describe("describe", label, "numeric", overall.n, missing, overall, tuple(groups), (), tuple(warnings), text)


def frequencies(values: Sequence[Any]) -> Describe:
    """Frequency table of a categorical column (shorthand for `describe(values, kind="categorical")`)."""
    return describe(values, kind="categorical")
