"""Text stored with control characters (before PINE refused them at input) still gives a whole SVG, PNG, DOCX
and PDF: the diagram is drawn, and nothing is silently dropped."""

from __future__ import annotations

import io
import logging

import pytest
from defusedxml import ElementTree as ET
from django.db import connection
from django.test import Client
from django.urls import reverse

from pine.journey.models import Project
from pine.modelling.models import Element, PlanQuestion
from tests.conftest import sign_in
from tests.modelling.conftest import Setup
from tests.modelling.factories import build_plan, build_toc

NUL = "\x00" if connection.vendor == "sqlite" else ""  # PostgreSQL cannot store NUL in text at all
BAD = f"Themed\x1b work{NUL}shops\x0bfor\r\nstaff"


@pytest.fixture
def stored(setup: Setup) -> Client:
    """The theory of change and plan with control characters written straight to the database, past the forms."""
    model = build_toc(setup.project, setup.lead)
    plan = build_plan(setup.project, setup.lead, model)
    Element.objects.filter(pk=model.elements["activity"].pk).update(text=BAD)
    Element.objects.filter(pk=model.elements["assumption"].pk).update(text="Staff\x1b are released")
    PlanQuestion.objects.filter(pk=plan.question.pk).update(text=f"Are\x1b social{NUL} workers more confident?")
    Project.objects.filter(pk=setup.project.pk).update(title="Thematic\x1b practice\r\nweeks")
    return sign_in(Client(), setup.member)


def get(client: Client, setup: Setup, name: str) -> bytes:
    response = client.get(reverse(f"modelling:{name}", kwargs={"pk": setup.project.pk}))
    assert response.status_code == 200, name
    return response.content


def test_the_svg_download_is_xml_with_the_element_text(stored: Client, setup: Setup) -> None:
    """The SVG parses as XML and shows the element's words, without the control characters."""
    root = ET.fromstring(get(stored, setup, "toc-svg"))
    words = " ".join(t.text or "" for t in root.iter("{http://www.w3.org/2000/svg}text"))
    assert "Themed" in words and "workshops" in words and "\x1b" not in words


def test_the_png_download_is_an_image(stored: Client, setup: Setup) -> None:
    """The PNG is produced and decodes as an image of the diagram's size."""
    from PIL import Image

    image = Image.open(io.BytesIO(get(stored, setup, "toc-png")))
    image.load()
    assert image.format == "PNG" and image.width > 1000


def test_the_docx_downloads_open_with_the_diagram(stored: Client, setup: Setup) -> None:
    """The theory of change and plan DOCX files open, with the diagram as a picture and the text cleaned."""
    from docx import Document

    toc = Document(io.BytesIO(get(stored, setup, "toc-docx")))
    text = "\n".join(p.text for p in toc.paragraphs)
    assert toc.inline_shapes  # the diagram
    assert "Themed workshops" in text and "\x1b" not in text
    assert "Theory of change: Thematic practice" in text
    plan = Document(io.BytesIO(get(stored, setup, "plan-docx")))
    assert "Are social workers more confident?" in "\n".join(p.text for p in plan.paragraphs)


def test_the_pdf_downloads_keep_the_diagram(stored: Client, setup: Setup, caplog: pytest.LogCaptureFixture) -> None:
    """WeasyPrint draws the diagram (an SVG form XObject in the PDF) instead of dropping an image it cannot read."""
    with caplog.at_level(logging.WARNING, logger="weasyprint"):
        pdf = get(stored, setup, "toc-pdf")
        plan = get(stored, setup, "plan-pdf")
    assert pdf.startswith(b"%PDF") and plan.startswith(b"%PDF")
    assert b"/Type /XObject" in pdf  # the diagram; without it the PDF has no XObject at all
    problems = [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]
    assert not [m for m in problems if "Failed to load image" in m or ".notdef" in m], problems
