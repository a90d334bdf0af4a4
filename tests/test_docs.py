"""Documentation keeps up with the code: every setting and command is documented."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_every_environment_variable_is_in_the_readme_and_env_example() -> None:
    config = (ROOT / "src/pine/core/config.py").read_text() + (ROOT / "src/pine/core/serve.py").read_text()
    names = set(re.findall(r'env\.(?:str|bool|int|list|db_url)\("([A-Z_]+)"', config))
    names |= set(re.findall(r'os\.environ\.get\("([A-Z_]+)"', config))
    readme = (ROOT / "README.md").read_text()
    example = (ROOT / ".env.example").read_text()
    assert names, "no settings found: has the config reader moved?"
    assert sorted(n for n in names if f"`{n}`" not in readme) == []
    assert sorted(n for n in names if n not in example) == []


def test_every_pine_command_is_in_the_readme() -> None:
    """Each command in `pine --help`, and each management command PINE's apps define, is in the README."""
    commands = re.findall(r"^  ([a-z-]+) ", (ROOT / "src/pine/cli.py").read_text(), flags=re.MULTILINE)
    readme = (ROOT / "README.md").read_text()
    assert commands
    assert [c for c in commands if f"`pine {c}" not in readme and c != "help"] == []
    own = {
        path.stem.replace("_", "-")
        for path in (ROOT / "src/pine").glob("*/management/commands/*.py")
        if not path.name.startswith("_")
    }
    assert own
    assert sorted(own - set(commands)) == []
