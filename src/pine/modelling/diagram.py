"""The theory of change as a diagram: a layout computed here, drawn as SVG by `modelling/_diagram.svg`.

Why the layout is written here rather than taken from a graph library such as Graphviz: the columns are fixed
by the kind of element (inputs to impact, left to right) and the order within a column is the team's own (they
reorder elements in the builder), so what is left is stacking wrapped text in boxes and drawing curves between
them. A layered-graph engine (Graphviz's `dot`, ELK) would reorder the boxes to reduce crossings, against the
team's order, and needs a native binary or a JavaScript runtime on every server. This module has no such needs,
is deterministic (the same model always gives the same picture, which the versions and reports rely on), and
lays out 100 elements in a few milliseconds.

The same layout feeds the page, the SVG and PNG downloads, the DOCX and PDF exports and, later, reports. Its
text goes through `core.text.xml_text`, so an element stored with a control character still gives an SVG that
is XML (and so a PNG, and a diagram in the PDF and DOCX).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.template.loader import render_to_string

from pine.core.text import xml_text
from pine.modelling.models import CHAIN, ElementKind

FONT_SIZE = 13
LINE_HEIGHT = 17
PADDING = 8
BOX_WIDTH = 168
COLUMN_GAP = 46
BOX_GAP = 14
MARGIN = 20
HEADER_HEIGHT = 30
BAND_GAP = 22
MIN_WIDTH = 760
FONT_FAMILY = "Arial, 'Liberation Sans', Helvetica, sans-serif"

# Advance widths of Helvetica/Arial (and the metric-compatible Liberation Sans) per 1000 units of the em, for
# printable ASCII from space (32) to tilde (126), from Adobe's Helvetica AFM. Other characters count as 'n'.
_WIDTHS = [
    278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278,
    556, 556, 556, 556, 556, 556, 556, 556, 556, 556, 278, 278, 584, 584, 584, 556,
    1015, 667, 667, 722, 722, 667, 611, 778, 722, 278, 500, 667, 556, 833, 722, 778,
    667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 278, 278, 278, 469, 556,
    333, 556, 556, 500, 556, 556, 278, 556, 556, 222, 222, 500, 222, 833, 556, 556,
    556, 556, 333, 500, 278, 556, 500, 722, 500, 500, 500, 334, 260, 334, 584,
]  # fmt: skip
# Fonts that stand in when Arial is missing run a little wider: keep a margin so text never leaves its box.
_SAFETY = 1.06

STYLE: dict[str, tuple[str, str]] = {
    ElementKind.INPUT: ("#f3f2f1", "#505a5f"),
    ElementKind.ACTIVITY: ("#d2e2f1", "#1d70b8"),
    ElementKind.OUTPUT: ("#e8f1f8", "#5694ca"),
    ElementKind.SHORT: ("#e0efe8", "#00703c"),
    ElementKind.MEDIUM: ("#cce2d8", "#00703c"),
    ElementKind.LONG: ("#b8d6c9", "#005a30"),
    ElementKind.IMPACT: ("#e2dcee", "#4c2c92"),
}


def text_width(text: str, size: float = FONT_SIZE) -> float:
    units = sum(_WIDTHS[ord(c) - 32] if 32 <= ord(c) <= 126 else 556 for c in text)
    return units * size / 1000 * _SAFETY


def wrap(text: str, width: float, size: float = FONT_SIZE) -> list[str]:
    """Break text into lines no wider than `width`; a word longer than a line is split."""
    lines: list[str] = []
    current = ""
    for word in text.split():
        while text_width(word, size) > width:
            # Split an over-long word at the last character that fits.
            cut = max(1, max(i for i in range(1, len(word) + 1) if text_width(word[:i], size) <= width or i == 1))
            if current:
                lines.append(current)
                current = ""
            lines.append(word[:cut])
            word = word[cut:]
        candidate = f"{current} {word}" if current else word
        if text_width(candidate, size) <= width:
            current = candidate
        else:
            lines.append(current)
            current = word
    if current:
        lines.append(current)
    return lines or [""]


@dataclass(frozen=True)
class Box:
    id: int
    kind: str
    x: float
    y: float
    width: float
    height: float
    lines: tuple[str, ...]
    text: str

    @property
    def fill(self) -> str:
        return STYLE[self.kind][0]

    @property
    def stroke(self) -> str:
        return STYLE[self.kind][1]

    @property
    def text_x(self) -> float:
        return self.x + PADDING

    @property
    def text_lines(self) -> list[tuple[float, str]]:
        """(baseline y, line) for each line of text, centred vertically in the box."""
        top = self.y + (self.height - len(self.lines) * LINE_HEIGHT) / 2
        return [(top + (i + 1) * LINE_HEIGHT - 4, line) for i, line in enumerate(self.lines)]

    def overlaps(self, other: Box) -> bool:
        return not (
            self.x + self.width <= other.x
            or other.x + other.width <= self.x
            or self.y + self.height <= other.y
            or other.y + other.height <= self.y
        )


@dataclass(frozen=True)
class Column:
    kind: str
    title: str
    x: float
    width: float

    @property
    def centre(self) -> float:
        return self.x + self.width / 2


@dataclass(frozen=True)
class Band:
    """A panel above or below the columns: the problem and who it is for; assumptions and external factors."""

    title: str
    x: float
    y: float
    width: float
    height: float
    lines: tuple[tuple[bool, str], ...]  # (starts a new item, line)

    @property
    def title_x(self) -> float:
        return self.x + PADDING

    @property
    def title_y(self) -> float:
        return self.y + PADDING + LINE_HEIGHT - 1

    @property
    def text_lines(self) -> list[tuple[float, float, bool, float, float, str]]:
        """(x, baseline y, bullet?, bullet x, bullet y, line): items are bulleted, wrapped lines indented."""
        start = self.y + PADDING + LINE_HEIGHT + 6
        x = self.x + PADDING + 14
        rows = []
        for i, (first, line) in enumerate(self.lines):
            baseline = start + (i + 1) * LINE_HEIGHT - 4
            rows.append((x, baseline, first, x - 8, baseline - 4, line))
        return rows


@dataclass(frozen=True)
class Arrow:
    source: int
    target: int
    path: str


@dataclass
class Layout:
    width: float
    height: float
    columns: list[Column] = field(default_factory=list)
    boxes: dict[int, Box] = field(default_factory=dict)
    bands: list[Band] = field(default_factory=list)
    arrows: list[Arrow] = field(default_factory=list)
    header_y: float = 0.0
    chain_top: float = 0.0
    chain_bottom: float = 0.0
    title: str = "Theory of change"

    @property
    def header_text_y(self) -> float:
        return self.header_y + 20

    @property
    def empty(self) -> bool:
        return not self.boxes and not self.bands


def _band_lines(texts: list[str], width: float) -> list[tuple[bool, str]]:
    lines: list[tuple[bool, str]] = []
    for text in texts:
        for index, line in enumerate(wrap(text, width)):
            lines.append((index == 0, line))
    return lines


def _bands(groups: list[tuple[str, list[str]]], y: float, width: float) -> tuple[list[Band], float]:
    """Side-by-side panels across the diagram's width; returns them and their height (0 if all are empty)."""
    present = [(title, texts) for title, texts in groups if texts]
    if not present:
        return [], 0.0
    gap = COLUMN_GAP / 2
    each = (width - gap * (len(present) - 1)) / len(present)
    panels = [(title, _band_lines(texts, each - 2 * PADDING - 14)) for title, texts in present]
    height = max(len(lines) for _, lines in panels) * LINE_HEIGHT + LINE_HEIGHT + 2 * PADDING + 10
    bands = [
        Band(title, MARGIN + i * (each + gap), y, each, height, tuple(lines)) for i, (title, lines) in enumerate(panels)
    ]
    return bands, height


def _elements(snapshot: dict[str, Any]) -> list[dict[str, Any]]:
    """The snapshot's elements, with text that SVG (XML) can hold."""
    return [{**e, "text": xml_text(e["text"])} for e in snapshot.get("elements", [])]


def layout(snapshot: dict[str, Any], *, title: str = "Theory of change") -> Layout:
    """Place every element of a theory of change snapshot (see versions.toc_snapshot)."""
    elements = _elements(snapshot)
    title = xml_text(title)
    by_kind: dict[str, list[dict[str, Any]]] = {kind: [] for kind in ElementKind.values}
    for element in elements:
        by_kind.setdefault(element["kind"], []).append(element)
    kinds = [kind for kind in CHAIN if by_kind[kind]]
    chain_width = len(kinds) * BOX_WIDTH + max(0, len(kinds) - 1) * COLUMN_GAP
    inner = max(MIN_WIDTH - 2 * MARGIN, chain_width)
    result = Layout(width=inner + 2 * MARGIN, height=0, title=title)

    def texts(kind: str) -> list[str]:
        return [e["text"] for e in by_kind[kind]]

    y = float(MARGIN)
    top, height = _bands(
        [
            (ElementKind.PROBLEM.label, texts(ElementKind.PROBLEM)),
            (ElementKind.POPULATION.label, texts(ElementKind.POPULATION)),
        ],
        y,
        inner,
    )
    result.bands += top
    y += height

    if kinds:
        y += BAND_GAP if top else 0
        result.header_y = y
        y += HEADER_HEIGHT
        result.chain_top = y
        offset = MARGIN + (inner - chain_width) / 2
        stacks: list[list[tuple[dict[str, Any], list[str], float]]] = []
        for index, kind in enumerate(kinds):
            column = Column(kind, ElementKind(kind).label, offset + index * (BOX_WIDTH + COLUMN_GAP), BOX_WIDTH)
            result.columns.append(column)
            stack: list[tuple[dict[str, Any], list[str], float]] = []
            for element in by_kind[kind]:
                lines = wrap(element["text"], BOX_WIDTH - 2 * PADDING)
                stack.append((element, lines, len(lines) * LINE_HEIGHT + 2 * PADDING))
            stacks.append(stack)
        heights = [sum(h for *_, h in stack) + BOX_GAP * (len(stack) - 1) for stack in stacks]
        tallest = max(heights)
        for column, stack, column_height in zip(result.columns, stacks, heights, strict=True):
            box_y = y + (tallest - column_height) / 2  # centre each column against the tallest
            for element, lines, box_height in stack:
                result.boxes[element["id"]] = Box(
                    element["id"], column.kind, column.x, box_y, BOX_WIDTH, box_height, tuple(lines), element["text"]
                )
                box_y += box_height + BOX_GAP
        y += tallest
        result.chain_bottom = y

    below = [
        (ElementKind.ASSUMPTION.label, texts(ElementKind.ASSUMPTION)),
        (ElementKind.EXTERNAL.label, texts(ElementKind.EXTERNAL)),
    ]
    if any(t for _, t in below) and (top or kinds):
        y += BAND_GAP
    bottom, height = _bands(below, y, inner)
    result.bands += bottom
    y += height
    result.height = max(y + MARGIN, 2 * MARGIN + 40)

    drawable = []
    for link in snapshot.get("links", []):
        source, target = result.boxes.get(link["source"]), result.boxes.get(link["target"])
        if source is not None and target is not None and target.x > source.x:
            drawable.append((source, target))
    # Spread the ends of several arrows along a box's edge, in the order of the boxes at their other ends,
    # so that they neither meet in one point nor cross on the way in.
    ends: dict[tuple[int, str], list[tuple[float, int]]] = {}
    for index, (source, target) in enumerate(drawable):
        ends.setdefault((source.id, "out"), []).append((target.y + target.height / 2, index))
        ends.setdefault((target.id, "in"), []).append((source.y + source.height / 2, index))
    anchor: dict[tuple[int, str, int], float] = {}
    for (box_id, side), items in ends.items():
        box = result.boxes[box_id]
        items.sort()
        for rank, (_, index) in enumerate(items):
            anchor[(box_id, side, index)] = box.y + box.height * (rank + 1) / (len(items) + 1)
    for index, (source, target) in enumerate(drawable):
        x1, y1 = source.x + source.width, anchor[(source.id, "out", index)]
        x2, y2 = target.x - 2, anchor[(target.id, "in", index)]
        bend = (x2 - x1) / 2
        path = f"M{x1:.1f},{y1:.1f} C{x1 + bend:.1f},{y1:.1f} {x2 - bend:.1f},{y2:.1f} {x2:.1f},{y2:.1f}"
        result.arrows.append(Arrow(source.id, target.id, path))
    return result


def render_svg(
    snapshot: dict[str, Any],
    *,
    title: str = "Theory of change",
    viewbox: tuple[float, float, float, float] | None = None,
    standalone: bool = True,
    id_prefix: str = "toc",
) -> str:
    """The diagram as SVG. `viewbox` shows part of it (for printing a tall diagram over several pages)."""
    drawn = layout(snapshot, title=title)
    return render_layout(drawn, viewbox=viewbox, standalone=standalone, id_prefix=id_prefix)


def render_layout(
    drawn: Layout,
    *,
    viewbox: tuple[float, float, float, float] | None = None,
    standalone: bool = True,
    id_prefix: str = "toc",
) -> str:
    box = viewbox or (0.0, 0.0, drawn.width, drawn.height)
    context = {
        "layout": drawn,
        "viewbox": " ".join(f"{v:g}" for v in box),
        "view_width": box[2],
        "view_height": box[3],
        "standalone": standalone,
        "font_family": FONT_FAMILY,
        "font_size": FONT_SIZE,
        "prefix": id_prefix,
        "description": describe(drawn),
    }
    return render_to_string("modelling/_diagram.svg", context).strip()


def render_png(snapshot: dict[str, Any], *, title: str = "Theory of change", scale: float = 2.0) -> bytes:
    import cairosvg  # a native library: loaded only when a PNG is asked for

    svg = render_svg(snapshot, title=title)
    png = cairosvg.svg2png(bytestring=svg.encode("utf-8"), scale=scale)
    assert isinstance(png, bytes)
    return png


def describe(drawn: Layout) -> str:
    counts = {column.title.lower(): 0 for column in drawn.columns}
    for box in drawn.boxes.values():
        counts[ElementKind(box.kind).label.lower()] += 1
    parts = [f"{n} {name}" for name, n in counts.items()]
    text = f"A diagram in columns from left to right: {', '.join(parts)}" if parts else "An empty diagram"
    return f"{text}, with {len(drawn.arrows)} arrows. The same model follows as lists."


def page_slices(drawn: Layout, page_height: float) -> list[tuple[float, float]]:
    """Split a tall diagram into page-high strips, cutting where no box is crossed when that is possible."""
    if drawn.height <= page_height:
        return [(0.0, drawn.height)]
    occupied = [(b.y, b.y + b.height) for b in drawn.boxes.values()] + [(b.y, b.y + b.height) for b in drawn.bands]
    slices = []
    start = 0.0
    while drawn.height - start > page_height:
        limit = start + page_height
        cut = limit
        for candidate in sorted({end + BOX_GAP / 2 for _, end in occupied}, reverse=True):
            if start + page_height / 3 < candidate <= limit and not any(a < candidate < b for a, b in occupied):
                cut = candidate
                break
        slices.append((start, cut))
        start = cut
    slices.append((start, drawn.height))
    return slices


# The same model as text, for screen readers and for anyone who prefers lists.


@dataclass(frozen=True)
class TextItem:
    text: str
    leads_to: list[str]


@dataclass(frozen=True)
class TextSection:
    title: str
    items: list[TextItem]


def text_alternative(snapshot: dict[str, Any]) -> list[TextSection]:
    cleaned = _elements(snapshot)
    elements = {e["id"]: e for e in cleaned}
    leads: dict[int, list[str]] = {}
    for link in snapshot.get("links", []):
        if link["source"] in elements and link["target"] in elements:
            leads.setdefault(link["source"], []).append(elements[link["target"]]["text"])
    sections = []
    for kind in ElementKind:
        items = [TextItem(e["text"], leads.get(e["id"], [])) for e in cleaned if e["kind"] == kind]
        if items:
            sections.append(TextSection(kind.label, items))
    return sections
