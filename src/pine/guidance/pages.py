"""Guidance pages: Markdown files in `content/`, with front matter, rendered safely with GOV.UK classes.

The files are part of the repository (reviewed like code), and markdown-it renders them with raw HTML turned
off, so a page can hold no script or markup of its own; links are limited to safe schemes by markdown-it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import frontmatter
from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml
from markdown_it.token import Token
from mdit_py_plugins.anchors import anchors_plugin

CONTENT = Path(__file__).resolve().parent / "content"

CLASSES: dict[str, str | dict[str, str]] = {
    "heading_open": {"h1": "govuk-heading-l", "h2": "govuk-heading-m", "h3": "govuk-heading-s"},
    "paragraph_open": "govuk-body",
    "bullet_list_open": "govuk-list govuk-list--bullet",
    "ordered_list_open": "govuk-list govuk-list--number",
    "link_open": "govuk-link",
    "table_open": "govuk-table",
    "thead_open": "govuk-table__head",
    "tbody_open": "govuk-table__body",
    "tr_open": "govuk-table__row",
    "th_open": "govuk-table__header",
    "td_open": "govuk-table__cell",
    "blockquote_open": "govuk-inset-text",
}


def _govuk_classes(state: object) -> None:
    heading = "Table"
    tokens = state.tokens  # type: ignore[attr-defined]
    for index, token in enumerate(tokens):
        _add_class(token)
        for child in token.children or []:
            _add_class(child)
        if token.type == "heading_open":
            heading = tokens[index + 1].content
        elif token.type == "table_open":
            # A table scrolls inside its own region on a narrow screen, named after the section it is in.
            token.meta["label"] = heading


def _table_open(self: Any, tokens: list[Token], idx: int, options: Any, env: Any) -> str:
    label = escapeHtml(tokens[idx].meta.get("label", "Table"))
    opening = f'<div class="pine-table-wrapper" role="region" aria-label="{label}" tabindex="0">'
    return opening + self.renderToken(tokens, idx, options, env)


def _table_close(self: Any, tokens: list[Token], idx: int, options: Any, env: Any) -> str:
    return self.renderToken(tokens, idx, options, env) + "</div>\n"


def _add_class(token: Token) -> None:
    spec = CLASSES.get(token.type)
    css = spec.get(token.tag) if isinstance(spec, dict) else spec
    if css:
        token.attrJoin("class", css)


def _renderer() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": True}).enable("table")
    md.use(anchors_plugin, min_level=2, max_level=2, slug_func=_slug)
    md.core.ruler.push("govuk_classes", _govuk_classes)
    md.add_render_rule("table_open", _table_open)
    md.add_render_rule("table_close", _table_close)
    return md


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


@dataclass(frozen=True)
class Section:
    title: str
    anchor: str
    text: str


@dataclass(frozen=True)
class GuidancePage:
    slug: str
    title: str
    stage: int | None
    summary: str
    html: str
    sections: tuple[Section, ...]
    text: str


class GuidanceError(Exception):
    """A guidance file is malformed; the message names the file."""


@lru_cache(maxsize=1)
def all_pages() -> tuple[GuidancePage, ...]:
    md = _renderer()
    pages = []
    for path in sorted(CONTENT.glob("*.md")):
        post = frontmatter.load(path)
        for key in ("title", "summary"):
            if not str(post.get(key, "")).strip():
                raise GuidanceError(f"{path.name} has no {key!r} in its front matter.")
        body = post.content
        sections = tuple(
            Section(title=match.group(1).strip(), anchor=_slug(match.group(1)), text=match.group(2).strip())
            for match in re.finditer(r"^## ([^\n]+)\n(.*?)(?=^## |\Z)", body, flags=re.MULTILINE | re.DOTALL)
        )
        stage = post.get("stage")
        pages.append(
            GuidancePage(
                slug=path.stem,
                title=str(post["title"]),
                stage=int(str(stage)) if stage is not None else None,
                summary=str(post["summary"]),
                # Checklist items ("- [ ] ...") are shown as a plain list: boxes that save nothing would mislead.
                html=md.render(re.sub(r"^(\s*[-*] )\[[ xX]\] ", r"\1", body, flags=re.MULTILINE)),
                sections=sections,
                text=body,
            )
        )
    return tuple(sorted(pages, key=lambda p: (p.stage is None, p.stage or 0, p.title)))


def page(slug: str) -> GuidancePage | None:
    return next((p for p in all_pages() if p.slug == slug), None)


def for_stage(number: int) -> GuidancePage | None:
    return next((p for p in all_pages() if p.stage == number), None)


@dataclass(frozen=True)
class SearchHit:
    page: GuidancePage
    section: Section | None
    snippet: str


def search(query: str, *, limit: int = 30) -> list[SearchHit]:
    """Sections whose title or text holds every word of the query (case-insensitive), best first."""
    words = [w for w in re.findall(r"\w+", query.lower()) if len(w) > 1][:10]
    if not words:
        return []
    hits: list[tuple[int, SearchHit]] = []
    for guidance in all_pages():
        for section in guidance.sections:
            haystack = f"{guidance.title} {section.title} {section.text}".lower()
            if all(word in haystack for word in words):
                score = sum(3 for w in words if w in section.title.lower() or w in guidance.title.lower())
                score += sum(haystack.count(w) for w in words)
                hits.append((score, SearchHit(guidance, section, _snippet(section.text, words[0]))))
    hits.sort(key=lambda item: -item[0])
    return [hit for _, hit in hits[:limit]]


def _snippet(text: str, word: str, width: int = 220) -> str:
    plain = re.sub(r"[*_`#>\[\]]|\(http[^)]*\)|- \[[ x]\] ", "", text)
    plain = " ".join(plain.split())
    at = plain.lower().find(word)
    start = max(0, at - width // 3) if at >= 0 else 0
    snippet = plain[start : start + width]
    return ("…" if start else "") + snippet + ("…" if start + width < len(plain) else "")
