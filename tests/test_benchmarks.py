"""Every benchmark in bench/ runs at a small size in the suite, so none can rot unnoticed."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
BENCHMARKS = sorted((ROOT / "bench").glob("*_bench.py"))


def test_there_are_benchmarks_to_run() -> None:
    """The glob below finds the benchmarks (an empty list would make the next test pass vacuously)."""
    assert len(BENCHMARKS) >= 3


@pytest.mark.parametrize("script", BENCHMARKS, ids=lambda path: path.stem)
def test_benchmark_runs_quickly_and_prints_its_figures(script: Path, tmp_path: Path) -> None:
    """`bench/X_bench.py --quick` exits 0 and prints a table with a ratio against its baseline."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_URL", "DJANGO_"))}
    env.update(PINE_ENV="test", PINE_VAR_DIR=str(tmp_path), MEDIA_ROOT=str(tmp_path / "media"))
    result = subprocess.run(
        [sys.executable, str(script), "--quick"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-3000:]
    assert "baseline" in result.stdout.lower()
