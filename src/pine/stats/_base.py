"""Shared pieces of `pine.stats`: result types, the input error, input coercion and assumption checks.

Every method accepts either plain arrays or a DataFrame (or a mapping of column name to values) plus column
names. Inputs pass through the helpers here, written once: unknown columns, non-numeric cells, infinite values
and all-missing columns raise `StatsInputError` naming the column and the first offending row (rows are counted
from 1, the first data row after the header); missing cells are dropped listwise and counted.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypeAlias

import numpy as np
import pandas as pd
from scipy import stats

from pine.stats._numeric import dot

ALTERNATIVES = ("two-sided", "less", "greater")
Data: TypeAlias = pd.DataFrame | Mapping[str, Any] | None


class StatsInputError(ValueError):
    """Input that cannot be analysed; the message names the column and, where there is one, the first row."""


@dataclass(frozen=True)
class EffectSize:
    name: str
    value: float
    ci_low: float
    ci_high: float


@dataclass(frozen=True)
class Check:
    """An assumption check: what was checked, its statistic and p-value where there is one, and the verdict."""

    name: str
    passed: bool
    note: str
    statistic: float | None = None
    p_value: float | None = None


@dataclass(frozen=True)
class Dropped:
    """Rows left out of an analysis, and why."""

    column: str
    rows: int
    reason: str = "missing"


class Result:
    """Mixin for result dataclasses: `to_dict()` gives JSON-ready plain types, non-finite numbers as None."""

    def to_dict(self) -> dict[str, Any]:
        out = _plain(self)
        assert isinstance(out, dict)
        return out


def _plain(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple | np.ndarray):
        return [_plain(v) for v in value]
    if isinstance(value, bool | np.bool_):
        return bool(value)
    if isinstance(value, int | np.integer):
        return int(value)
    if isinstance(value, float | np.floating):
        return float(value) if math.isfinite(value) else None
    return value


# ----------------------------------------------------------------------------------------------- input coercion


def column(data: Data, spec: Any, role: str) -> tuple[Any, str]:
    """Return (values, label) for `spec`: a column name looked up in `data`, or the values themselves."""
    if isinstance(spec, str) and data is not None:
        names = list(data.columns) if isinstance(data, pd.DataFrame) else list(data.keys())
        if spec not in names:
            shown = ", ".join(map(str, names[:20])) + (", …" if len(names) > 20 else "")
            raise StatsInputError(f"column '{spec}' not found; the columns are: {shown}")
        return data[spec], spec
    if spec is None:
        raise StatsInputError(f"no values given for {role}")
    if isinstance(spec, str):
        raise StatsInputError(f"'{spec}' names a column for {role}, but no data were given")
    return spec, role


def numeric(values: Any, label: str) -> np.ndarray:
    """Values as float64 with NaN for missing; non-numeric or infinite cells raise, naming the first row."""
    if isinstance(values, pd.Series):
        values = values.to_numpy()
    arr = np.asarray(values)
    if arr.ndim != 1:
        arr = arr.reshape(-1)
    if arr.dtype.kind in "fiub":
        out = arr.astype(np.float64, copy=False)
    else:
        series = pd.Series(arr, dtype=object)
        present = series.notna().to_numpy() & ~series.map(lambda v: isinstance(v, str) and not v.strip()).to_numpy()
        coerced = pd.to_numeric(series.where(present), errors="coerce").to_numpy(dtype=np.float64)
        bad = present & np.isnan(coerced)
        if bad.any():
            row = int(np.flatnonzero(bad)[0])
            raise StatsInputError(f"column '{label}': row {row + 1} is not a number ({arr[row]!r})")
        out = coerced
    # A finite sum means every cell is finite: one pass without a temporary array on a million rows. A NaN or an
    # infinity (or an overflowing sum) sends us to the cell-by-cell check.
    if out.dtype.kind == "f" and out.size and not math.isfinite(float(out.sum())):
        infinite = np.isinf(out)
        if infinite.any():
            row = int(np.flatnonzero(infinite)[0])
            raise StatsInputError(f"column '{label}': row {row + 1} is infinite ({out[row]})")
    return out


def missing_labels(values: Any) -> tuple[np.ndarray, np.ndarray]:
    """Category values as an object array, and a mask of missing cells (NaN, None, blank text)."""
    arr = values.to_numpy(dtype=object) if isinstance(values, pd.Series) else np.asarray(values, dtype=object)
    missing = pd.isna(arr) | np.array([isinstance(v, str) and not v.strip() for v in arr], dtype=bool)
    return arr, missing


def level_value(v: Any) -> Any:
    """A plain Python level: numpy scalars unwrapped, whole floats as ints (a CSV 0/1 column read as 0.0/1.0)."""
    if isinstance(v, np.generic):
        v = v.item()
    if isinstance(v, float) and v.is_integer():
        return int(v)
    return v


def sorted_levels(values: Sequence[Any]) -> list[Any]:
    try:
        return sorted(values)
    except TypeError:
        return sorted(values, key=str)


def factor(
    values: Any, label: str, levels: Sequence[Any] | None = None, *, strict: bool = True
) -> tuple[np.ndarray, list[Any]]:
    """Integer codes (-1 for missing) and the ordered levels; `levels` fixes the order and drops other rows.

    With `strict`, a wanted level the column lacks is an error (a mistyped --levels); without it, the codes
    refer to positions in `levels` whether or not each occurs (categories shared by several raters' columns).
    """
    if isinstance(values, pd.Series):
        values = values.to_numpy()
    arr = np.asarray(values)
    if arr.dtype.kind in "iub" and arr.size and int(arr.min()) >= 0 and int(arr.max()) < 65536:
        # Small non-negative integer codes (0/1 groups): a counting pass beats hashing on a million rows.
        present = np.flatnonzero(np.bincount(arr.astype(np.int64)))
        if len(present) == int(present[-1]) + 1:
            codes = arr.astype(np.int64, copy=False)  # already 0..k-1 with every value used
        else:
            remap = np.full(int(present[-1]) + 1, -1, dtype=np.int64)
            remap[present] = np.arange(len(present))
            codes = remap[arr]
        found_levels = [level_value(u) for u in present]
    elif arr.dtype.kind in "iubf":
        if arr.dtype.kind == "f" and np.isinf(arr).any():
            row = int(np.flatnonzero(np.isinf(arr))[0])
            raise StatsInputError(f"column '{label}': row {row + 1} is infinite")
        codes, uniques = pd.factorize(arr, sort=True, use_na_sentinel=True)
        found_levels = [level_value(u) for u in uniques]
    else:
        obj, missing = missing_labels(arr)
        obj = obj.copy()
        obj[missing] = None
        codes, uniques = pd.factorize(obj, sort=False, use_na_sentinel=True)
        found = [level_value(u) for u in uniques]
        found_levels = sorted_levels(list(dict.fromkeys(found)))
        position = {f: i for i, f in enumerate(found_levels)}
        remap = np.array([position[f] for f in found] + [-1], dtype=np.int64)
        codes = remap[codes]
    if levels is None:
        return np.asarray(codes, dtype=np.int64), found_levels
    wanted = list(levels)
    lookup = {str(f): i for i, f in enumerate(found_levels)}
    remap_list = [-1] * (len(found_levels) + 1)
    for j, w in enumerate(wanted):
        key = str(level_value(w))
        if key in lookup:
            remap_list[lookup[key]] = j
        elif strict:
            shown = ", ".join(map(str, found_levels))
            raise StatsInputError(f"column '{label}' has no level '{w}'; its levels are: {shown}")
    chosen = np.array(remap_list, dtype=np.int64)[np.asarray(codes, dtype=np.int64)]
    return chosen, [found_levels[lookup[str(level_value(w))]] if str(level_value(w)) in lookup else w for w in wanted]


def require_levels(codes: np.ndarray, levels: list[Any], label: str, wanted: int = 2) -> None:
    """A grouping column must have exactly `wanted` levels here; name the first row of any extra level."""
    if len(levels) > wanted:
        row = int(np.flatnonzero(codes == wanted)[0])
        raise StatsInputError(
            f"column '{label}' has {len(levels)} levels ({', '.join(map(str, levels))}) where {wanted} are "
            f"needed; row {row + 1} is the first with '{levels[wanted]}' (choose two with --levels)"
        )
    if len(levels) < wanted:
        raise StatsInputError(
            f"column '{label}' has {len(levels)} level(s) ({', '.join(map(str, levels)) or 'none'}) where "
            f"{wanted} are needed"
        )


def complete(columns: Mapping[str, np.ndarray]) -> tuple[np.ndarray | None, tuple[Dropped, ...]]:
    """Listwise deletion: a mask of complete rows (None when nothing is missing) and what was dropped, by column.

    Each `columns` value is a boolean missing mask or a float array (NaN = missing). A row missing in several
    columns is counted once, against the first of them. An all-missing column raises.
    """
    total = None
    dropped: list[Dropped] = []
    for label, arr in columns.items():
        if arr.dtype != bool and math.isfinite(float(arr.sum())):
            continue  # no NaN (numeric() has already refused infinities)
        miss = arr if arr.dtype == bool else np.isnan(arr)
        if not miss.any():
            continue
        if miss.all():
            raise StatsInputError(f"column '{label}' has no values: all {len(miss)} rows are missing")
        new = miss if total is None else miss & ~total
        count = int(new.sum())
        if count:
            dropped.append(Dropped(label, count))
        total = miss.copy() if total is None else (total | miss)
    return (None if total is None else ~total), tuple(dropped)


def n_dropped(dropped: Sequence[Dropped]) -> int:
    return sum(d.rows for d in dropped)


def check_alternative(alternative: str) -> str:
    if alternative not in ALTERNATIVES:
        raise StatsInputError(f"alternative must be one of {', '.join(ALTERNATIVES)}, not '{alternative}'")
    return alternative


def check_level(conf_level: float) -> float:
    if not 0 < conf_level < 1:
        raise StatsInputError(f"confidence level must be between 0 and 1, not {conf_level}")
    return conf_level


# ------------------------------------------------------------------------------------------- assumption checks


SHAPIRO_MAX = 5000


def normality_check(x: np.ndarray, what: str, dev: np.ndarray, var: float, dev2: np.ndarray) -> Check:
    """Shapiro-Wilk for 3 to 5,000 values; beyond that the skewness from the deviations `dev` (and `dev2` = dev²).

    With more than 5,000 values any test rejects trivial departures, and the mean is normally distributed by the
    central limit theorem whatever the data's shape, so the skewness is reported as a description.
    """
    n = len(x)
    if n < 3:
        return Check(f"normality of {what}", True, "too few values to check")
    if var == 0:
        return Check(f"normality of {what}", True, "no variation")
    if n <= SHAPIRO_MAX:
        w, p = stats.shapiro(x)
        ok = bool(p >= 0.05)
        note = "no strong sign of non-normality" if ok else "the values look non-normal (Shapiro-Wilk p < 0.05)"
        return Check(f"normality of {what}", ok, note, float(w), float(p))
    pop_sd = math.sqrt(var * (n - 1) / n)
    skew = dot(dev2, dev) / n / pop_sd**3
    note = f"skewness {skew:.2f}; with this many values the mean is well estimated even if skewed"
    return Check(f"normality of {what}", abs(skew) < 1, note, skew, None)


def outlier_check(what: str, count: int, reference: str = "the mean") -> Check:
    note = (
        f"{count} value(s) more than 3 SD from {reference}" if count else f"no values more than 3 SD from {reference}"
    )
    return Check(f"outliers in {what}", count == 0, note, float(count), None)


def distribution_checks(
    x: np.ndarray, what: str, *, dev: np.ndarray | None = None, var: float | None = None
) -> tuple[Check, Check]:
    """Normality and outliers (values more than 3 SD from the mean) of `x`; pass `dev` = x − mean and its sample
    variance `var` when they are already known, so a million values cost one more temporary array, not four."""
    n = len(x)
    if dev is None or var is None:
        mean = float(x.mean()) if n else math.nan
        dev = x - mean
        var = dot(dev, dev) / (n - 1) if n > 1 else 0.0
    dev2 = dev * dev
    normal = normality_check(x, what, dev, var, dev2)
    if var == 0 or n < 2:
        return normal, Check(f"outliers in {what}", True, "no variation")
    return normal, outlier_check(what, int(np.count_nonzero(dev2 > 9 * var)))


def dropped_warnings(dropped: Sequence[Dropped]) -> list[str]:
    return [f"{d.rows} row(s) left out because '{d.column}' is {d.reason}" for d in dropped]
