"""Every table in every template scrolls inside its own labelled box, so no page scrolls sideways on a phone."""

from __future__ import annotations

import re
from pathlib import Path

SRC = Path(__file__).resolve().parents[2] / "src" / "pine"
WRAPPED = re.compile(r'<div class="pine-table-wrapper" role="region" aria-label="[^"]+" tabindex="0">\s*<table\b')


def test_every_template_table_sits_in_a_labelled_scrolling_box() -> None:
    """A `<table>` not wrapped in `.pine-table-wrapper` (a named, focusable region) is found by file and line."""
    bare = []
    for template in sorted(SRC.rglob("templates/**/*.html")):
        text = template.read_text()
        wrapped = {match.end() for match in WRAPPED.finditer(text)}
        for match in re.finditer(r"<table\b", text):
            if match.end() not in wrapped:
                bare.append(f"{template.relative_to(SRC)}:{text.count(chr(10), 0, match.start()) + 1}")
    assert bare == []
