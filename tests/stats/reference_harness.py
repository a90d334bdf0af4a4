"""Turns each reference case into runs of `pine.stats` (API and `pine stats` command) and compares the results.

A case's `expected` is matched leaf by leaf against `actual`, built from the result dictionaries of its runs.
Tolerances follow /work/shared/reference/README.md: a field name, `*` (everything), `a.*`/`*.b` globs, list
index ranges `results[0..3]` and `results[]` (every index). The most specific (longest) matching key wins;
numbers without a tolerance must agree to 1e-12 relative.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

REPO = Path(__file__).resolve().parents[2]
SHARED = REPO.parent / "shared" / "reference"
# A copy of ../shared/reference/cases.json kept in the repository, so a checkout anywhere runs every case;
# test_the_copy_of_the_shared_cases_is_current fails if the two ever differ.
SHARED_COPY = Path(__file__).resolve().parent / "reference_shared.json"
EXTRA = Path(__file__).resolve().parent / "reference_extra.json"


def load_cases() -> list[dict[str, Any]]:
    return json.loads(SHARED_COPY.read_text()) + json.loads(EXTRA.read_text())


@dataclass
class Run:
    """One call: `function(*args, data=frame, **kwargs)` in the API, the equivalent `pine stats` command line."""

    key: str
    function: str
    args: tuple[Any, ...] = ()
    kwargs: dict[str, Any] = field(default_factory=dict)
    frame: pd.DataFrame | None = None


# ------------------------------------------------------------------------------------------------ tolerances


def flatten(value: Any, path: str = "") -> dict[str, Any]:
    if isinstance(value, dict):
        out: dict[str, Any] = {}
        for k, v in value.items():
            out.update(flatten(v, f"{path}.{k}" if path else str(k)))
        return out
    if isinstance(value, list):
        out = {}
        for i, v in enumerate(value):
            out.update(flatten(v, f"{path}[{i}]"))
        return out
    return {path: value}


def _pattern(key: str, prefix: bool = True) -> re.Pattern[str]:
    def ranges(m: re.Match[str]) -> str:
        lo, hi = int(m.group(1)), int(m.group(2))
        return r"\[(?:" + "|".join(str(i) for i in range(lo, hi + 1)) + r")\]"

    text = re.escape(key)
    text = re.sub(r"\\\[(\d+)\\\.\\\.(\d+)\\\]", ranges, text)
    text = text.replace(r"\[\]", r"\[\d+\]").replace(r"\*", ".*")
    return re.compile(rf"{text}(?:[.\[].*)?" if prefix else text)


def tolerance_for(path: str, tolerance: dict[str, Any]) -> dict[str, float] | None:
    matches = [k for k in tolerance if _pattern(k).fullmatch(path)]
    if not matches:
        return None
    # A key naming the whole path beats one naming a parent; then the longer (more specific) key wins.
    best = max(matches, key=lambda k: (k != "*", bool(_pattern(k, prefix=False).fullmatch(path)), len(k)))
    return tolerance[best]


def compare(expected: Any, actual: Any, tolerance: dict[str, Any]) -> list[str]:
    """Every numeric leaf of `expected` against `actual`; returns the mismatches (empty when all agree)."""
    exp, act = flatten(expected), flatten(actual)
    problems = []
    for path, want in exp.items():
        if isinstance(want, str) or want is None:
            continue
        if path not in act:
            problems.append(f"{path}: missing from the result")
            continue
        got = act[path]
        if got is None:
            problems.append(f"{path}: expected {want}, got None")
            continue
        tol = tolerance_for(path, tolerance) or {"rel": 1e-12}
        diff = abs(float(got) - float(want))
        allowed = tol.get("abs", 0.0) + tol.get("rel", 0.0) * abs(float(want))
        if not diff <= allowed + 1e-300 or math.isnan(diff):
            problems.append(f"{path}: expected {want}, got {got} (difference {diff:.3g} > {allowed:.3g})")
    return problems


# ------------------------------------------------------------------------------------------------ command line

POSITIONAL = {
    "describe": ["--column"],
    "paired": ["--before", "--after"],
    "two_group": ["--outcome", "--group"],
    "ancova": ["--post", "--group"],
    "did": ["--outcome", "--group", "--period"],
    "proportions": ["--outcome", "--group"],
    "mcnemar": ["--before", "--after"],
    "goodness_of_fit": ["--column"],
    "regression": ["--formula"],
    "meta": ["--effect"],
    "kappa": ["--rater1", "--rater2"],
    "krippendorff": ["--raters"],
    "cronbach": ["--items"],
    "power": ["--design"],
}
RENAMED = {"knapp_hartung": "--knha", "covariates": None}


def _text(value: Any) -> str:
    if isinstance(value, list | tuple):
        return ",".join(_text(v) for v in value)
    return repr(value) if isinstance(value, float) else str(value)


def command_line(run: Run) -> list[str]:
    """The `pine stats` arguments (after `stats`, without --data/--json) equivalent to the API call."""
    args = [run.function.replace("_", "-")]
    for option, value in zip(POSITIONAL[run.function], run.args, strict=True):
        args += [option, _text(value)]
    kwargs = dict(run.kwargs)
    if run.function == "ancova":
        args += ["--pre", _text([kwargs.pop("pre"), *kwargs.pop("covariates", [])])]
    for name, value in kwargs.items():
        option = RENAMED.get(name, "--" + name.replace("_", "-"))
        if name in ("exact", "rank_test"):
            args += [option, {None: "auto", True: "yes", False: "no"}[value]]
        elif name == "correct":
            args += [] if value else ["--no-correct"]
        elif name == "both_tails":
            args += [] if value else ["--upper-tail-only"]
        elif isinstance(value, bool):
            args += [option] if value else []
        elif value is not None:
            args += [str(option), _text(value)]
    return args


def long(groups: dict[str, list[float]], outcome: str = "outcome", group: str = "group") -> pd.DataFrame:
    return pd.DataFrame(
        {outcome: [v for vs in groups.values() for v in vs], group: [g for g, vs in groups.items() for _ in vs]}
    )


def expand(table: list[list[int]], rows: list[str], cols: list[str], names: tuple[str, str]) -> pd.DataFrame:
    """One row per counted person from a table of counts."""
    records = [(r, c) for i, r in enumerate(rows) for j, c in enumerate(cols) for _ in range(int(table[i][j]))]
    return pd.DataFrame(records, columns=list(names))


def nan_list(values: list[Any]) -> list[float]:
    return [np.nan if v is None else v for v in values]


Adapter = Callable[[dict[str, Any]], tuple[list[Run], Callable[[dict[str, dict[str, Any]]], dict[str, Any]]]]
