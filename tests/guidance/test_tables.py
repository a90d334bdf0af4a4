"""Guidance tables scroll inside their own labelled region, so a narrow screen never scrolls the whole page."""

from __future__ import annotations

import re

from pine.guidance import pages


def test_every_guidance_table_is_in_a_labelled_scrolling_region() -> None:
    """Each Markdown table renders inside a focusable region named after its section."""
    tables = 0
    for page in pages.all_pages():
        tables += page.html.count("<table")
        wrapped = re.findall(
            r'<div class="pine-table-wrapper" role="region" aria-label="([^"]+)" tabindex="0">', page.html
        )
        assert len(wrapped) == page.html.count("<table"), page.slug
        assert all(label != "Table" for label in wrapped)
    assert tables > 0
