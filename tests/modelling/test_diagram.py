"""The diagram's layout: every element placed, nothing overlapping, legible and quick at 100 elements."""

from __future__ import annotations

import itertools
import time
from typing import Any

import pytest

from pine.modelling import diagram
from pine.modelling.models import CHAIN, ElementKind

pytestmark = pytest.mark.django_db  # rendering uses Django's templates, not the database


def snapshot(count: int, *, text: str = "Social workers feel more confident assessing risk at home") -> dict[str, Any]:
    kinds = list(ElementKind.values)
    elements = [{"id": i + 1, "kind": kinds[i % len(kinds)], "text": f"{text} {i + 1}"} for i in range(count)]
    by_kind: dict[str, list[int]] = {}
    for e in elements:
        by_kind.setdefault(e["kind"], []).append(e["id"])
    links = []
    for source_kind, target_kind in itertools.pairwise(CHAIN):
        for source, target in zip(by_kind.get(source_kind, []), by_kind.get(target_kind, []), strict=False):
            links.append({"source": source, "target": target})
    return {"elements": elements, "links": links}


def test_every_chain_element_gets_a_box_in_its_column_and_the_others_a_band() -> None:
    """Inputs to impact are boxes in columns, left to right; the problem, people, assumptions and factors are bands."""
    model = snapshot(22)
    drawn = diagram.layout(model)
    chain = [e for e in model["elements"] if e["kind"] in CHAIN]
    assert set(drawn.boxes) == {e["id"] for e in chain}
    columns = [c.kind for c in drawn.columns]
    assert columns == [k for k in CHAIN if k in columns]
    xs = [c.x for c in drawn.columns]
    assert xs == sorted(xs)
    for element in chain:
        column = next(c for c in drawn.columns if c.kind == element["kind"])
        assert drawn.boxes[element["id"]].x == column.x
    band_lines = " ".join(line for band in drawn.bands for _, line in band.lines)
    for element in model["elements"]:
        if element["kind"] not in CHAIN:
            assert element["text"].split()[-1] in band_lines


def test_no_boxes_or_bands_overlap() -> None:
    drawn = diagram.layout(snapshot(60))
    boxes = list(drawn.boxes.values())
    for first, second in itertools.combinations(boxes, 2):
        assert not first.overlaps(second), (first.text, second.text)
    for band in drawn.bands:
        for box in boxes:
            assert box.y + box.height <= band.y or box.y >= band.y + band.height
    assert all(b.x >= 0 and b.x + b.width <= drawn.width and b.y + b.height <= drawn.height for b in boxes)


def test_text_wraps_inside_its_box_and_long_words_are_split() -> None:
    long = "Supercalifragilisticexpialidociousnessandmore " * 3
    drawn = diagram.layout({"elements": [{"id": 1, "kind": "activity", "text": long.strip()}], "links": []})
    box = drawn.boxes[1]
    assert all(diagram.text_width(line) <= box.width - 2 * diagram.PADDING for line in box.lines)
    assert "".join(box.lines).replace(" ", "") == long.replace(" ", "")


def test_a_model_of_100_elements_renders_legibly_and_fast() -> None:
    """Text keeps its size and boxes their width however large the model: the diagram grows instead."""
    model = snapshot(100)
    started = time.perf_counter()
    svg = diagram.render_svg(model)
    elapsed = time.perf_counter() - started
    assert elapsed < 2.0
    drawn = diagram.layout(model)
    assert {b.width for b in drawn.boxes.values()} == {diagram.BOX_WIDTH}
    assert f'font-size="{diagram.FONT_SIZE}"' in svg
    assert svg.count("<rect") >= 1 + len(drawn.boxes) + len(drawn.bands)
    # For print, a tall diagram is cut into page-high strips that cover it all, in order.
    slices = diagram.page_slices(drawn, 900)
    assert slices[0][0] == 0 and slices[-1][1] == drawn.height
    assert all(a[1] == b[0] for a, b in itertools.pairwise(slices))


def test_links_become_arrows_only_from_left_to_right() -> None:
    model = {
        "elements": [
            {"id": 1, "kind": "activity", "text": "Workshops"},
            {"id": 2, "kind": "outcome_short", "text": "Confidence"},
        ],
        "links": [{"source": 1, "target": 2}, {"source": 2, "target": 1}, {"source": 1, "target": 99}],
    }
    drawn = diagram.layout(model)
    assert [(a.source, a.target) for a in drawn.arrows] == [(1, 2)]


def test_the_svg_has_a_title_and_description_and_escapes_text() -> None:
    svg = diagram.render_svg(
        {"elements": [{"id": 1, "kind": "activity", "text": "Workshops <b>& groups</b>"}], "links": []},
        title="Theory of change: Test",
    )
    assert svg.startswith("<?xml")
    assert '<title id="toc-title">Theory of change: Test</title>' in svg
    assert "Workshops &lt;b&gt;&amp;" in svg and "<b>" not in svg
    assert 'role="img"' in svg


def test_png_and_text_alternative_come_from_the_same_model() -> None:
    model = snapshot(14)
    png = diagram.render_png(model, scale=1)
    assert png.startswith(b"\x89PNG")
    sections = diagram.text_alternative(model)
    listed = {item.text for section in sections for item in section.items}
    assert listed == {e["text"] for e in model["elements"]}
    activity = next(s for s in sections if s.title == "Activities").items[0]
    assert activity.leads_to  # each activity says what it leads to


def test_an_empty_model_draws_a_placeholder() -> None:
    svg = diagram.render_svg({"elements": [], "links": []})
    assert "Nothing to draw yet" in svg
