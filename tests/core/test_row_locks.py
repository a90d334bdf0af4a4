"""Row locks work on PostgreSQL: no `select_for_update()` locks the empty side of an outer join.

PostgreSQL refuses `SELECT … FOR UPDATE` over a LEFT OUTER JOIN, which Django uses for `select_related` on a
nullable relation; SQLite has no row locks and never notices. Such a lock must say `of=("self",)`.
"""

from __future__ import annotations

import re
from pathlib import Path

from django.apps import apps

SRC = Path(__file__).resolve().parents[2] / "src" / "pine"
LOCK = re.compile(r"(\w+)\.objects\.select_for_update\(\)\s*\.select_related\(([^)]*)\)")


def _model(name: str) -> type:
    found = [model for model in apps.get_models() if model.__name__ == name]
    assert len(found) == 1, f"{name}: {found}"
    return found[0]


def test_no_lock_joins_a_nullable_relation() -> None:
    """Every `select_for_update()` with `select_related` follows only relations that cannot be empty."""
    problems = []
    checked = 0
    for path in sorted(SRC.rglob("*.py")):
        for match in LOCK.finditer(path.read_text()):
            model = _model(match.group(1))
            for related in re.findall(r'"([\w_]+)"', match.group(2)):
                checked += 1
                for part in related.split("__"):
                    field = model._meta.get_field(part)
                    if field.null:
                        problems.append(f"{path.relative_to(SRC)}: {match.group(1)} → {related}")
                        break
                    model = field.related_model
                model = _model(match.group(1))
    assert checked, "no locks found: has the pattern changed?"
    assert problems == []
