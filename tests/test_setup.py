"""The README's two commands set up a bare machine: `make test` installs the system packages it needs."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_make_test_installs_system_packages_before_running_the_suite() -> None:
    """`make test` runs scripts/system-packages (Chromium, Pango, Cairo) before pytest, not only `.ci/run`."""
    plan = subprocess.run(["make", "-n", "test"], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    lines = plan.splitlines()
    installer = next(i for i, line in enumerate(lines) if "scripts/system-packages" in line)
    runner = next(i for i, line in enumerate(lines) if "pytest" in line)
    assert installer < runner


def test_the_installer_asks_debian_for_chromium_when_it_is_missing(tmp_path: Path) -> None:
    """With no browser at the expected path, the script installs Debian's `chromium` package (no download)."""
    log = tmp_path / "apt.log"
    for name, body in {
        "apt-get": f'echo "$@" >> {log}',
        "id": "echo 0",
    }.items():
        tool = tmp_path / name
        tool.write_text(f"#!/bin/sh\n{body}\n")
        tool.chmod(0o755)
    env = {**os.environ, "PATH": f"{tmp_path}:{os.environ['PATH']}", "PINE_CHROMIUM": str(tmp_path / "none")}
    subprocess.run(["scripts/system-packages"], cwd=ROOT, env=env, check=True, capture_output=True)
    calls = log.read_text().splitlines()
    assert calls[0].startswith("update")
    assert "install" in calls[1] and "chromium" in calls[1].split()


def test_the_installer_does_nothing_when_everything_is_there(tmp_path: Path) -> None:
    """A machine with Chromium, Pango and Cairo is left alone (no apt-get at all)."""
    log = tmp_path / "apt.log"
    fake = tmp_path / "apt-get"
    fake.write_text(f'#!/bin/sh\necho "$@" >> {log}\n')
    fake.chmod(0o755)
    browser = tmp_path / "chromium"
    browser.write_text("#!/bin/sh\n")
    browser.chmod(0o755)
    env = {**os.environ, "PATH": f"{tmp_path}:{os.environ['PATH']}", "PINE_CHROMIUM": str(browser)}
    result = subprocess.run(["scripts/system-packages"], cwd=ROOT, env=env, capture_output=True, text=True)
    # Pango and Cairo are present wherever the suite runs (the documents tests need them).
    assert result.returncode == 0, result.stderr
    assert not log.exists()
