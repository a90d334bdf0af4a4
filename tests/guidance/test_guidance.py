"""Guidance: real content for every stage, rendered safely, searchable."""

from __future__ import annotations

import pytest
from django.test import Client

from pine.guidance import pages
from pine.journey.stages import STAGES

REQUIRED_SECTIONS = [
    "What this stage is for",
    "What good looks like",
    "Worked example: thematic practice weeks in Hartwell",
    "Common pitfalls",
    "Checklist",
    "What the checkpoint meeting will ask",
    "Sources",
]


@pytest.mark.parametrize("definition", STAGES, ids=lambda d: d.slug)
def test_every_stage_has_complete_guidance(definition) -> None:  # type: ignore[no-untyped-def]
    guidance = pages.page(definition.guidance_slug)
    assert guidance is not None, f"missing src/pine/guidance/content/{definition.guidance_slug}.md"
    assert guidance.stage == definition.number
    assert [s.title for s in guidance.sections] == REQUIRED_SECTIONS
    assert len(guidance.text.split()) > 500, "guidance should be substantial, not a stub"
    assert "Hartwell" in guidance.text
    assert 'class="govuk-heading-m"' in guidance.html and 'class="govuk-body"' in guidance.html


def test_markdown_cannot_inject_markup_or_script() -> None:
    html = pages._renderer().render(
        "<script>alert(1)</script>\n\n[click](javascript:alert(1))\n\n<img src=x onerror=alert(1)>"
    )
    assert "<script" not in html and "<img" not in html
    assert 'href="javascript:' not in html


def test_search_finds_sections_and_ignores_empty_queries() -> None:
    hits = pages.search("comparison group")
    assert hits and all("comparison" in (h.section.text + h.section.title + h.page.title).lower() for h in hits)
    assert pages.search("") == [] and pages.search("?!") == []
    assert pages.search("zzzzqqqq") == []


@pytest.mark.django_db
def test_guidance_pages_are_public_and_searchable(client: Client) -> None:
    index = client.get("/guidance/").content.decode()
    for definition in STAGES:
        assert definition.title in index
    page = client.get(f"/guidance/{STAGES[2].guidance_slug}/").content.decode()
    assert "Plan your evaluation" in page and 'id="what-good-looks-like"' in page
    results = client.get("/guidance/", {"q": "lawful basis"}).content.decode()
    assert "result" in results and "Data protection and ethics" in results
    assert client.get("/guidance/no-such-page/").status_code == 404
    assert client.get("/guidance/", {"q": "x" * 5000}).status_code == 200
