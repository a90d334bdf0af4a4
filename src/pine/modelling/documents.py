"""The theory of change and the evaluation plan as documents: built once as data, then written as DOCX and PDF.

A document is a title and sections of simple blocks (headings, paragraphs, bullet lists, tables, key-value
summaries and diagrams). The PDF is WeasyPrint's rendering of `modelling/export.html`; the DOCX is written with
python-docx. Reports can build on the same blocks. Both writers put text through `core.text.xml_text`: DOCX is XML,
and a control character stored before PINE refused them at input would otherwise stop the whole download.
"""

from __future__ import annotations

import base64
import datetime as dt
import io
from dataclasses import dataclass, field
from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone

from pine.core.text import xml_text
from pine.journey.models import Project
from pine.modelling import diagram

# Printable area in diagram units: the diagram is scaled to the page's width, and a taller diagram continues
# over further pages (cut between boxes where possible). A4 landscape with 12 mm margins is 273 × 186 mm.
PAGE_WIDTH_MM = 273.0
FINGERPRINT_EXPLAINED = (
    "A fingerprint is worked out from everything in the plan: if anything in the plan changed, the fingerprint "
    "would change too, so anyone can check that a plan is the one registered."
)
PAGE_HEIGHT_MM = 170.0


@dataclass(frozen=True)
class Heading:
    text: str
    level: int = 2
    kind: str = "heading"


@dataclass(frozen=True)
class Paragraph:
    text: str
    kind: str = "paragraph"


@dataclass(frozen=True)
class BulletItem:
    text: str
    children: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Bullets:
    items: list[BulletItem]
    kind: str = "bullets"


@dataclass(frozen=True)
class Table:
    headers: list[str]
    rows: list[list[str]]
    kind: str = "table"


@dataclass(frozen=True)
class Summary:
    rows: list[tuple[str, str]]
    kind: str = "summary"


@dataclass(frozen=True)
class Diagram:
    snapshot: dict[str, Any]
    title: str
    kind: str = "diagram"

    def pages(self) -> list[str]:
        """The diagram as one or more SVG images (data URIs), each fitting a landscape page."""
        drawn = diagram.layout(self.snapshot, title=self.title)
        units_per_mm = drawn.width / PAGE_WIDTH_MM
        images = []
        for top, bottom in diagram.page_slices(drawn, PAGE_HEIGHT_MM * units_per_mm):
            svg = diagram.render_layout(drawn, viewbox=(0, top, drawn.width, bottom - top), id_prefix="d")
            images.append("data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii"))
        return images

    def png_pages(self) -> list[tuple[bytes, float]]:
        """PNG images of the same pages, with each one's height as a fraction of its width."""
        import cairosvg

        drawn = diagram.layout(self.snapshot, title=self.title)
        units_per_mm = drawn.width / PAGE_WIDTH_MM
        pages = []
        for top, bottom in diagram.page_slices(drawn, PAGE_HEIGHT_MM * units_per_mm):
            svg = diagram.render_layout(drawn, viewbox=(0, top, drawn.width, bottom - top), id_prefix="d")
            png = cairosvg.svg2png(bytestring=svg.encode("utf-8"), scale=2)
            assert isinstance(png, bytes)
            pages.append((png, (bottom - top) / drawn.width))
        return pages


Block = Heading | Paragraph | Bullets | Table | Summary | Diagram


@dataclass
class Section:
    title: str
    blocks: list[Block] = field(default_factory=list)


@dataclass
class Document:
    title: str
    subtitle: str
    sections: list[Section]
    landscape: bool = False
    created_at: Any = field(default_factory=timezone.now)


# Theory of change


def toc_document(*, project: Project, snapshot: dict[str, Any], number: int | None) -> Document:
    title = f"Theory of change: {project.title}"
    version = f"version {number}" if number else "not yet saved"
    sections = [
        Section("Diagram", [Diagram(snapshot, title)]),
        Section(
            "The model as text",
            [
                block
                for part in diagram.text_alternative(snapshot)
                for block in (
                    Heading(part.title, 3),
                    Bullets(
                        [
                            BulletItem(item.text, [f"Leads to: {target}" for target in item.leads_to])
                            for item in part.items
                        ]
                    ),
                )
            ]
            or [Paragraph("The theory of change has no elements yet.")],
        ),
    ]
    return Document(title, f"{project.organisation.name} · {project.reference} · {version}", sections, landscape=True)


# Evaluation plan


def _join(values: Any) -> str:
    if isinstance(values, list):
        return "; ".join(str(v) for v in values) or "–"
    return str(values) if values not in (None, "") else "–"


def plan_snapshot_sections(snapshot: dict[str, Any]) -> list[Section]:
    """A plan version's sections, in the order of the plan page, from its snapshot alone."""
    design = snapshot.get("design", {})
    people = snapshot.get("participants", {})
    sources = snapshot.get("data_sources", {})
    sections = [
        Section(
            "Evaluation questions",
            [
                Bullets(
                    [
                        BulletItem(q["text"], [f"Outcomes: {_join(q['outcomes'])}"])
                        for q in snapshot.get("questions", [])
                    ]
                )
            ]
            if snapshot.get("questions")
            else [Paragraph("No questions yet.")],
        ),
        Section(
            "Outcomes to measure",
            [
                Table(
                    ["Outcome", "Measure", "Who reports it", "When", "Scoring"],
                    [
                        [o["outcome"], o["measure"], o["reported_by"], _join(o["time_points"]), _join(o["scoring"])]
                        for o in snapshot.get("outcomes", [])
                    ],
                )
            ]
            if snapshot.get("outcomes")
            else [Paragraph("No outcomes to measure yet.")],
        ),
        Section(
            "Design",
            [
                Summary(
                    [
                        ("Design", _join(design.get("design"))),
                        *(
                            [("Design of the numbers part", design["mixed_quantitative_design"])]
                            if design.get("mixed_quantitative_design")
                            else []
                        ),
                        ("Reasons", _join(design.get("design_reasons"))),
                    ]
                )
            ],
        ),
        Section(
            "Participants and sample size",
            [
                Summary(
                    [
                        ("Participants", _join(people.get("participants"))),
                        ("Comparison group", _join(people.get("comparison_group"))),
                        ("Sample size, intervention group", _join(people.get("sample_size_intervention"))),
                        ("Sample size, comparison group", _join(people.get("sample_size_comparison"))),
                        ("How the sample size was worked out", _join(people.get("sample_size_basis"))),
                    ]
                )
            ],
        ),
        Section(
            "Data sources",
            [
                Summary(
                    [
                        ("Sources", _join(sources.get("data_sources"))),
                        ("More about the data", _join(sources.get("data_sources_detail"))),
                    ]
                )
            ],
        ),
        Section(
            "Analysis plan",
            [
                Table(
                    ["Question", "Analysis", "Outcome", "Groups", "Time points", "Notes"],
                    [
                        [
                            a["question"],
                            a["method_label"],
                            _join(a["outcome"]),
                            a["groups"],
                            _join(a["time_points"]),
                            _join(a["notes"]),
                        ]
                        for a in snapshot.get("analyses", [])
                    ],
                )
            ]
            if snapshot.get("analyses")
            else [Paragraph("No analyses planned yet.")],
        ),
        Section(
            "Timeline",
            [Table(["Date", "What happens"], [[_date(m["due"]), m["what"]] for m in snapshot.get("timeline", [])])]
            if snapshot.get("timeline")
            else [Paragraph("No timeline yet.")],
        ),
        Section(
            "Risks and mitigations",
            [
                Table(
                    ["Risk", "How it will be reduced"],
                    [[r["risk"], r["mitigation"]] for r in snapshot.get("risks", [])],
                )
            ]
            if snapshot.get("risks")
            else [Paragraph("No risks listed yet.")],
        ),
        Section("Sharing the findings", [Paragraph(_join(snapshot.get("sharing", {}).get("sharing")))]),
    ]
    return sections


def _date(iso: str) -> str:
    """'2026-03-01' as '1 March 2026'."""
    try:
        return f"{dt.date.fromisoformat(iso):%-d %B %Y}"
    except (TypeError, ValueError):
        return iso


def plan_document(*, project: Project, detail: Any) -> Document:
    from pine.modelling.versions import plan_snapshot
    from pine.modelling.vocabulary import EIF_SOURCE, NESTA_SOURCE

    snapshot = detail.latest.snapshot if detail.latest else plan_snapshot(detail.plan)
    status = []
    if detail.registered is not None:
        status.append(
            (
                "Registered",
                f"Version {detail.registered.number} on "
                f"{timezone.localtime(detail.registered.registered_at):%d %B %Y at %H:%M}; "
                f"fingerprint {detail.registered.content_hash}",
            )
        )
    if detail.latest is not None:
        status.append(("This version", f"Version {detail.latest.number}; fingerprint {detail.latest.content_hash}"))
        status.append(("About the fingerprint", FINGERPRINT_EXPLAINED))
    intro: list[Block] = [Summary(status)] if status else [Paragraph("The plan has not been saved yet.")]
    if detail.evidence is not None:
        note = detail.evidence
        intro += [
            Heading("Strength of evidence", 3),
            Paragraph(f"What this design can show: {note.can_show}"),
            Paragraph(f"What it cannot show: {note.cannot_show}"),
            Paragraph(
                f"Rating: Nesta Standards of Evidence level {note.nesta_level} ({note.nesta_text}); "
                f"EIF evidence standards: {note.eif_level}."
            ),
            Paragraph(f"Sources: {NESTA_SOURCE} {EIF_SOURCE}"),
        ]
    sections = [Section("About this plan", intro), *plan_snapshot_sections(snapshot)]
    if detail.deviations:
        sections.append(
            Section(
                "Changes since the registered plan",
                [
                    Bullets(
                        [
                            BulletItem(
                                f"{change.section_title}: {change.kind} – {change.item}",
                                [f"{f.label}: was '{f.before}', now '{f.after}'" for f in change.fields],
                            )
                            for change in detail.deviations
                        ]
                    ),
                    Heading("Reasons given", 3),
                    Bullets([BulletItem(f"Version {v.number}: {v.reason or v.change}") for v in detail.reasons]),
                ],
            )
        )
    version = f"version {detail.latest.number}" if detail.latest else "draft"
    return Document(
        f"Evaluation plan: {project.title}", f"{project.organisation.name} · {project.reference} · {version}", sections
    )


# Writers


def to_pdf(document: Document) -> bytes:
    from weasyprint import HTML  # a native library: loaded only when a PDF is asked for

    html = xml_text(render_to_string("modelling/export.html", {"document": document}))
    pdf = HTML(string=html).write_pdf(pdf_tags=True)
    assert isinstance(pdf, bytes)
    return pdf


def to_docx(document: Document) -> bytes:
    from docx import Document as Docx
    from docx.enum.section import WD_ORIENT
    from docx.shared import Mm

    out = Docx()
    section = out.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    if document.landscape:
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = Mm(297), Mm(210)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Mm(12))
    out.core_properties.title = xml_text(document.title)
    out.add_heading(xml_text(document.title), level=0)
    out.add_paragraph(xml_text(document.subtitle))
    for part in document.sections:
        out.add_heading(xml_text(part.title), level=1)
        for block in part.blocks:
            _docx_block(out, block, Mm(PAGE_WIDTH_MM if document.landscape else 186))
    buffer = io.BytesIO()
    out.save(buffer)
    return buffer.getvalue()


def _docx_block(out: Any, block: Block, width: Any) -> None:
    if isinstance(block, Heading):
        out.add_heading(xml_text(block.text), level=block.level)
    elif isinstance(block, Paragraph):
        out.add_paragraph(xml_text(block.text))
    elif isinstance(block, Bullets):
        for item in block.items:
            out.add_paragraph(xml_text(item.text), style="List Bullet")
            for child in item.children:
                out.add_paragraph(xml_text(child), style="List Bullet 2")
    elif isinstance(block, Table | Summary):
        headers, rows = (block.headers, block.rows) if isinstance(block, Table) else ([], [list(r) for r in block.rows])
        table = out.add_table(rows=0, cols=len(headers or rows[0]) if (headers or rows) else 1)
        table.style = "Table Grid"
        if headers:
            cells = table.add_row().cells
            for cell, text in zip(cells, headers, strict=True):
                cell.text = xml_text(text)
                for run in cell.paragraphs[0].runs:
                    run.bold = True
        for row in rows:
            cells = table.add_row().cells
            for index, (cell, text) in enumerate(zip(cells, row, strict=True)):
                cell.text = xml_text(text)
                if isinstance(block, Summary) and index == 0:
                    for run in cell.paragraphs[0].runs:
                        run.bold = True
        out.add_paragraph()
    elif isinstance(block, Diagram):
        for png, _ in block.png_pages():
            out.add_picture(io.BytesIO(png), width=width)
            picture = out.inline_shapes[-1]
            # Alternative text for screen readers (Word reads the picture's description).
            picture._inline.docPr.set("descr", xml_text(f"{block.title}. The same model follows as text."))
