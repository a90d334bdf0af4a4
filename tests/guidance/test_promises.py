"""Guidance and stage pages describe what PINE does today, not features it does not have yet."""

from __future__ import annotations

import re

import pytest

from pine.guidance import pages
from pine.journey.stages import STAGES

# Sentences that promised what PINE does not do: upload transcripts, assemble reports, suppress small counts,
# run analyses, publish reports, delete data on a schedule, and "nothing is public" while approved summaries are.
BROKEN_PROMISES = [
    r"upload(ing)? (the )?transcripts|transcripts before upload",
    r"PINE helps you assemble a report",
    r"PINE \*?\*?suppress",
    r"run the analyses in your registered plan, in PINE",
    r"publishes it on PINE's public pages",
    r"Nothing from your project is public",
    r"PINE deletes data when its retention date passes",
    r"log in PINE of anything",
    r"PINE's small-number threshold",
]


@pytest.mark.parametrize("page", pages.all_pages(), ids=lambda p: p.slug)
def test_guidance_makes_no_promise_pine_cannot_keep(page: pages.GuidancePage) -> None:
    """No guidance sentence claims a feature that does not exist."""
    found = [pattern for pattern in BROKEN_PROMISES if re.search(pattern, page.text, re.IGNORECASE)]
    assert found == []


def test_publish_guidance_says_approved_summaries_are_public() -> None:
    """Stage 8 says the approved public summary is shown on 'Projects we support' before publication."""
    publish = pages.page("08-publish")
    assert publish is not None
    assert "Projects we support" in publish.text


def test_stage_pages_promise_nothing_pine_does_not_do() -> None:
    """What each stage produces says where transcripts live and who publishes the report."""
    produces = " ".join(stage.produces for stage in STAGES)
    assert "kept outside PINE" in produces
    assert "on the public page" not in produces
