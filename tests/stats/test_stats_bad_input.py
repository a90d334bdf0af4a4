"""Bad input gives a clear error naming the column (and first offending row), never a number.

From the API: `StatsInputError` (a ValueError) with a message. From `pine stats`: exit code 2 and exactly one
line on standard error, no traceback, nothing on standard output. The command runs in this process through
`pine.cli.main`; test_stats_command.py checks the same promise on a real subprocess.
"""

from __future__ import annotations

import contextlib
import io
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

import pine.stats as ps
from pine.cli import main as pine_main
from pine.stats import StatsInputError

GOOD = pd.DataFrame(
    {
        "pre": [10.0, 12, 9, 14, 11, 13, 8, 15],
        "post": [12.0, 15, 9, 18, 12, 16, 9, 19],
        "group": ["a", "a", "a", "a", "b", "b", "b", "b"],
    }
)


def with_cell(column: str, row: int, value: Any) -> pd.DataFrame:
    frame = GOOD.astype({column: object}).copy()
    frame.loc[row, column] = value
    return frame


# (name, frame, api call, cli args, words the message must contain)
CASES: list[tuple[str, pd.DataFrame, Any, list[str], list[str]]] = [
    ("non-numeric cell", with_cell("post", 2, "abc"), lambda d: ps.paired("pre", "post", data=d),
     ["paired", "--before", "pre", "--after", "post"], ["'post'", "row 3", "not a number"]),
    ("infinite value", with_cell("pre", 4, float("inf")), lambda d: ps.two_group("pre", "group", data=d),
     ["two-group", "--outcome", "pre", "--group", "group"], ["'pre'", "row 5", "infinite"]),
    ("all-missing column", GOOD.assign(post=np.nan), lambda d: ps.paired("pre", "post", data=d),
     ["paired", "--before", "pre", "--after", "post"], ["'post'", "no values"]),
    ("unknown column", GOOD, lambda d: ps.paired("pre", "postt", data=d),
     ["paired", "--before", "pre", "--after", "postt"], ["'postt'", "not found"]),
    ("zero variance of differences", GOOD.assign(post=GOOD.pre + 1), lambda d: ps.paired("pre", "post", data=d),
     ["paired", "--before", "pre", "--after", "post"], ["'post'", "'pre'", "zero variance"]),
    ("zero variance in both groups", GOOD.assign(pre=[1.0] * 4 + [2.0] * 4),
     lambda d: ps.two_group("pre", "group", data=d),
     ["two-group", "--outcome", "pre", "--group", "group"], ["'pre'", "zero variance"]),
    ("three levels where two are needed", with_cell("group", 6, "c"), lambda d: ps.two_group("post", "group", data=d),
     ["two-group", "--outcome", "post", "--group", "group"], ["'group'", "3 levels", "row 7", "'c'"]),
    ("single-row group", GOOD.assign(group=["a"] * 7 + ["b"]), lambda d: ps.two_group("post", "group", data=d),
     ["two-group", "--outcome", "post", "--group", "group"], ["'group'", "'b'", "1 value"]),
    ("empty group", GOOD.assign(group=["a"] * 8), lambda d: ps.two_group("post", "group", data=d),
     ["two-group", "--outcome", "post", "--group", "group"], ["'group'", "1 level"]),
    ("single-row group in ANCOVA", GOOD.assign(group=["a"] * 7 + ["b"]),
     lambda d: ps.ancova("post", "group", pre="pre", data=d),
     ["ancova", "--pre", "pre", "--post", "post", "--group", "group"], ["'group'", "'b'"]),
    ("formula names a missing column", GOOD, lambda d: ps.regression("post ~ pre + age", data=d),
     ["regression", "--formula", "post ~ pre + age"], ["'age'", "not in the data"]),
    ("non-numeric cell in a formula column", with_cell("pre", 1, "n/a?"), lambda d: ps.regression("post ~ pre", data=d),
     ["regression", "--formula", "post ~ pre"], ["'pre'", "row 2"]),
    ("non-numeric rating for interval alpha", with_cell("pre", 0, "x"),
     lambda d: ps.krippendorff(["pre", "post"], data=d, level="interval"),
     ["krippendorff", "--raters", "pre,post", "--level", "interval"], ["'pre'", "row 1"]),
    ("non-positive variance in meta-analysis", GOOD.assign(post=[0.1, 0.2, 0.0, 0.1, 0.1, 0.2, 0.1, 0.3]),
     lambda d: ps.meta("pre", variance="post", data=d), ["meta", "--effect", "pre", "--variance", "post"],
     ["'post'", "row 3"]),
    ("three periods in difference-in-differences", GOOD.assign(period=["1", "2", "3", "1", "2", "1", "2", "1"]),
     lambda d: ps.did("post", "group", "period", data=d),
     ["did", "--outcome", "post", "--group", "group", "--period", "period"], ["'period'", "3 levels", "row 3"]),
    ("all-missing outcome for proportions", GOOD.assign(post=np.nan),
     lambda d: ps.proportions("post", "group", data=d),
     ["proportions", "--outcome", "post", "--group", "group"], ["'post'"]),
    ("unknown rater column", GOOD, lambda d: ps.kappa("pre", "rater2", data=d),
     ["kappa", "--rater1", "pre", "--rater2", "rater2"], ["'rater2'", "not found"]),
    ("zero-variance item", GOOD.assign(post=1.0), lambda d: ps.cronbach(["pre", "post"], data=d),
     ["cronbach", "--items", "pre,post"], ["'post'", "zero variance"]),
    ("infinite effect in meta-analysis", with_cell("pre", 5, float("-inf")),
     lambda d: ps.meta("pre", variance="post", data=d), ["meta", "--effect", "pre", "--variance", "post"],
     ["'pre'", "row 6", "infinite"]),
    ("non-numeric outcome in ANCOVA", with_cell("post", 3, "twelve"),
     lambda d: ps.ancova("post", "group", pre="pre", data=d),
     ["ancova", "--pre", "pre", "--post", "post", "--group", "group"], ["'post'", "row 4", "not a number"]),
]  # fmt: skip


@pytest.mark.parametrize(("name", "frame", "call", "args", "words"), CASES, ids=[c[0] for c in CASES])
def test_api_raises_a_clear_error(name: str, frame: pd.DataFrame, call: Any, args: list[str], words: list[str]) -> None:
    """The API raises StatsInputError whose message names the column and, where there is one, the row."""
    with pytest.raises(StatsInputError) as raised:
        call(frame)
    for word in words:
        assert word in str(raised.value), f"{word!r} not in {str(raised.value)!r}"


@pytest.mark.parametrize(("name", "frame", "call", "args", "words"), CASES, ids=[c[0] for c in CASES])
def test_command_exits_2_with_one_line(
    name: str, frame: pd.DataFrame, call: Any, args: list[str], words: list[str], tmp_path: Path
) -> None:
    """`pine stats` exits 2 with one line on stderr that names the problem, and prints no result."""
    path = tmp_path / "data.csv"
    frame.to_csv(path, index=False)
    done = run_cli([args[0], "--data", str(path), *args[1:]])
    assert done.returncode == 2
    assert done.stdout == ""
    lines = done.stderr.splitlines()
    assert len(lines) == 1 and "Traceback" not in done.stderr
    for word in words:
        assert word in lines[0]


@dataclass
class Done:
    returncode: int
    stdout: str
    stderr: str


def run_cli(args: list[str]) -> Done:
    """`pine stats ARGS` through the console script's function, with its output captured."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = pine_main(["stats", *args])
    return Done(code, out.getvalue(), err.getvalue())


@pytest.mark.parametrize(
    "args",
    [
        ["paired", "--data", "/no/such/file.csv", "--before", "a", "--after", "b"],
        ["paired", "--before", "a"],
        ["nonsense"],
        ["power", "--design", "two-group", "--effect-size", "0.5"],
    ],
    ids=["missing file", "missing option", "unknown method", "power with two unknowns"],
)
def test_command_usage_errors_are_one_line(args: list[str]) -> None:
    """Usage mistakes also exit 2 with a single line, not argparse's usage block or a traceback."""
    done = run_cli(args)
    assert done.returncode == 2
    assert len(done.stderr.splitlines()) == 1


def test_missing_rows_are_dropped_and_counted() -> None:
    """Missing cells are not an error: the rows are left out, counted by column, and warned about."""
    frame = GOOD.astype({"post": object}).copy()
    frame.loc[[1, 5], "post"] = ""
    result = ps.paired("pre", "post", data=frame)
    assert result.n == 6 and result.n_dropped == 2
    assert result.dropped[0].column == "post" and result.dropped[0].rows == 2
    assert any("2 row(s) left out" in w for w in result.warnings)
