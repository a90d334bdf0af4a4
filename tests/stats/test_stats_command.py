"""`pine stats` as a real process: JSON on stdout for good input; exit 2 and one stderr line for bad input.

The reference and bad-input suites call the same entry point in-process; these few start Python for real, to
check the console dispatch, the exit codes and that no traceback escapes. Each start-up imports scipy and
pandas (about a second), so there are only a handful.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import pandas as pd

REPO = Path(__file__).resolve().parents[2]


def pine_stats(args: list[str]) -> subprocess.CompletedProcess[str]:
    # The environment may disable bytecode files; a private cache under the temp folder (nothing is written to
    # the venv or the source tree) saves recompiling scipy and pandas on every start.
    env = {
        **os.environ,
        "PYTHONPATH": str(REPO / "src"),
        "PYTHONPYCACHEPREFIX": str(Path(tempfile.gettempdir()) / "pine-stats-pycache"),
    }
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return subprocess.run(
        [sys.executable, "-m", "pine", "stats", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )


def test_paired_json_on_stdout(tmp_path: Path) -> None:
    """R's sleep data (t.test(extra ~ group, paired = TRUE): t = -4.0621) round-trips through a CSV file."""
    path = tmp_path / "sleep.csv"
    pd.DataFrame(
        {
            "drug1": [0.7, -1.6, -0.2, -1.2, -0.1, 3.4, 3.7, 0.8, 0.0, 2.0],
            "drug2": [1.9, 0.8, 1.1, 0.1, -0.1, 4.4, 5.5, 1.6, 4.6, 3.4],
        }
    ).to_csv(path, index=False)
    done = pine_stats(["paired", "--data", str(path), "--before", "drug2", "--after", "drug1", "--json"])
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    result = json.loads(done.stdout)
    assert result["method"] == "paired" and result["n"] == 10 and result["df"] == 9
    assert abs(result["statistic"] - -4.0621) < 5e-5
    assert {"estimate", "se", "ci_low", "ci_high", "p_value", "effect_size", "warnings", "summary"} <= set(result)


def test_bad_cell_exits_2_with_one_line(tmp_path: Path) -> None:
    """A text cell in a numeric column: exit code 2, one line naming column and row, nothing on stdout."""
    path = tmp_path / "bad.csv"
    path.write_text("before,after\n1,2\n2,x\n3,5\n")
    done = pine_stats(["paired", "--data", str(path), "--before", "before", "--after", "after", "--json"])
    assert done.returncode == 2
    assert done.stdout == ""
    assert len(done.stderr.splitlines()) == 1 and "Traceback" not in done.stderr
    assert "'after'" in done.stderr and "row 2" in done.stderr


def test_usage_error_exits_2_with_one_line() -> None:
    """An unknown method is a usage error: exit 2, one line, not argparse's usage block."""
    done = pine_stats(["nonsense"])
    assert done.returncode == 2
    assert len(done.stderr.splitlines()) == 1


def test_power_needs_no_data_and_prints_a_table() -> None:
    """Without --json the result is a readable table; power runs without a data file."""
    done = pine_stats(["power", "--design", "two-group", "--effect-size", "0.5", "--power", "0.8"])
    assert done.returncode == 0, done.stderr
    assert "n_per_group" in done.stdout and "63.76" in done.stdout
