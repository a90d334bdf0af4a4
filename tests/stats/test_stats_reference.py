"""Every published reference case agrees with `pine.stats`, through the Python API and through `pine stats --json`.

Cases come from ../shared/reference/cases.json (certified or published values) and reference_extra.json (ours,
each naming its published source). A missing shared folder fails the run rather than skipping it.

The command runs in this process through `pine.cli.main` (the function the `pine` console script calls), with
the data written to a CSV file and the JSON read back from standard output: the same argument parsing, file
reading and JSON writing as a shell call, without paying for a Python start-up (scipy, pandas) per case.
test_stats_command.py runs the real `python -m pine stats` subprocess.
"""

from __future__ import annotations

import contextlib
import io
import json
from pathlib import Path
from typing import Any

import pytest
import reference_adapters_extra  # noqa: F401  (registers the extra cases' adapters)
from reference_adapters import ADAPTERS
from reference_harness import Run, command_line, compare, load_cases

import pine.stats as ps
from pine.cli import main as pine_main

CASES = load_cases()
IDS = [c["id"] for c in CASES]


def api_result(run: Run) -> dict[str, Any]:
    fn = getattr(ps, run.function)
    if run.frame is None:
        return fn(*run.args, **run.kwargs).to_dict()
    return fn(*run.args, data=run.frame, **run.kwargs).to_dict()


def cli_result(run: Run, folder: Path) -> dict[str, Any]:
    """`pine stats … --json` for one run: exit code 0, nothing on stderr, one JSON object on stdout."""
    args = ["stats", *command_line(run), "--json"]
    if run.frame is not None:
        path = folder / f"{run.key}.csv"
        run.frame.to_csv(path, index=False)
        args[2:2] = ["--data", str(path)]
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = pine_main(args)
    assert code == 0, f"pine {' '.join(args)} failed: {err.getvalue()}"
    assert err.getvalue() == ""
    return json.loads(out.getvalue())


def test_every_case_has_an_adapter_and_a_source() -> None:
    """No reference case is silently left out, and each names where its answer comes from."""
    assert len(CASES) >= 46
    assert [c["id"] for c in CASES if c["id"] not in ADAPTERS] == []
    assert [c["id"] for c in CASES if not c.get("source")] == []


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_reference_case_through_the_api(case: dict[str, Any]) -> None:
    """The Python API reproduces the published values within the case's tolerance."""
    runs, extract = ADAPTERS[case["id"]](case)
    actual = extract({run.key: api_result(run) for run in runs})
    assert compare(case["expected"], actual, case["tolerance"]) == []


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_reference_case_through_the_command(case: dict[str, Any], tmp_path: Path) -> None:
    """`pine stats … --json` on the same data written to CSV reproduces the published values."""
    runs, extract = ADAPTERS[case["id"]](case)
    actual = extract({run.key: cli_result(run, tmp_path) for run in runs})
    assert compare(case["expected"], actual, case["tolerance"]) == []


def test_tolerance_keys_follow_the_readme() -> None:
    """'*', globs and index ranges pick the most specific tolerance, and a mismatch is reported."""
    tol = {"*": {"abs": 1.0}, "*.df": {"abs": 0}, "results[0..1]": {"rel": 0.1}, "results[].n": {"abs": 0}}
    assert compare({"a": {"df": 3}}, {"a": {"df": 3.5}}, tol) != []
    assert compare({"a": {"x": 3}}, {"a": {"x": 3.5}}, tol) == []
    assert (
        compare(
            {"results": [{"p": 1.0}, {"p": 1.0}, {"p": 1.0}]}, {"results": [{"p": 1.05}, {"p": 1.09}, {"p": 1.5}]}, tol
        )
        == []
    )
    assert compare({"results": [{"p": 1.0}]}, {"results": [{"p": 1.2}]}, tol) != []
    assert compare({"results": [{"n": 1.0}]}, {"results": [{"n": 1.0001}]}, tol) != []


def test_the_copy_of_the_shared_cases_is_current() -> None:
    """The repository's copy of ../shared/reference/cases.json is the same as the original, where it is present."""
    from tests.stats.reference_harness import SHARED, SHARED_COPY

    original = SHARED / "cases.json"
    if original.is_file():
        assert json.loads(original.read_text()) == json.loads(SHARED_COPY.read_text())
    assert len(json.loads(SHARED_COPY.read_text())) >= 31
