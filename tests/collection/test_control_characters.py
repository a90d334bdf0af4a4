"""Control characters in survey data: refused at every way in (survey pages, imports, the API) with a plain
message, and removed from XLSX downloads of answers stored before, instead of a server error."""

from __future__ import annotations

import io
import json
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from pine.collection import answer_forms, survey
from pine.collection.models import Item, ItemKind, Response
from pine.collection.validation_cells import CellProblem, check_text
from tests.collection.factories import answer_link, make_participants, open_gate
from tests.conftest import World

pytestmark = pytest.mark.django_db

NUL = "\x00" if connection.vendor == "sqlite" else ""  # PostgreSQL cannot store NUL in text at all


@pytest.fixture
def stored(world: World) -> World:
    """An answer and a question with control characters written straight to the database, past the forms."""
    open_gate(world.project)
    collection = world.collection
    assert collection is not None
    answer_link(survey.link_for(wave=collection.wave, participant=collection.participant), {"q1": 4, "q2": 5})
    response = Response.objects.get(participant=collection.participant)
    response.answers["comment"] = "Line one\r\nline\x1b two\x0b=cmd"
    response.save(update_fields=["answers"])
    Item.objects.filter(instrument=collection.instrument, code="q1").update(text=f"I feel\x1b confident{NUL}")
    return world


@pytest.mark.parametrize("layout", ["wide", "long"])
def test_the_xlsx_download_opens_with_the_control_characters_removed(
    stored: World, client_as: Any, layout: str
) -> None:
    """Both XLSX layouts download and open; the answer keeps its words and line breaks, without the controls."""
    url = reverse("collection:export-file", kwargs={"pk": stored.project.pk})
    response = client_as("site_member").get(url, {"file_format": "xlsx", "layout": layout})
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(response.content))
    data = list(workbook["Responses"].iter_rows(values_only=True))
    column = next(i for i, name in enumerate(data[0]) if str(name).endswith("comment"))
    assert "Line one\r\nline two\n=cmd" in [row[column] for row in data[1:]]
    labels = {row[0]: row[1] for row in workbook["Data dictionary"].iter_rows(values_only=True)}
    assert any(str(label).startswith("I feel confident") for label in labels.values())


def test_a_survey_page_refuses_control_characters_and_line_breaks_in_a_short_answer(world: World) -> None:
    """A respondent is told plainly what to fix, naming the question."""
    collection = world.collection
    assert collection is not None
    items = [
        Item(code="comment", text="Anything else?", kind=ItemKind.LONG_TEXT, required=False),
        Item(code="team", text="Your team", kind=ItemKind.SHORT_TEXT, required=False),
    ]
    form = answer_forms.page_form(items, {"comment": "Fine\r\nthanks\x1b", "team": "North\r\nEast"})
    assert not form.is_valid()
    assert form.errors["comment"] == ["Remove the invisible control characters from your answer: Anything else?"]
    assert form.errors["team"] == ["Put your answer on one line: Your team"]
    good = answer_forms.page_form(items, {"comment": "Fine\r\n\tthanks", "team": "North East"})
    assert good.is_valid(), good.errors


def test_an_imported_cell_breaking_the_text_rule_is_a_bad_cell() -> None:
    """A control character anywhere, or a line break in a short answer, is reported as a bad cell."""
    with pytest.raises(CellProblem, match="contains invisible control characters"):
        check_text("bad\x1bcell", multiline=True)
    with pytest.raises(CellProblem, match="contains a line break: put the answer on one line"):
        check_text("two\nlines")
    check_text("two\nlines", multiline=True)


def test_the_api_refuses_a_line_break_in_a_team_name(world: World) -> None:
    """A string breaking the rule is refused with 422, saying which field and what is wrong; nothing is stored."""
    open_gate(world.project)
    collection = world.collection
    assert collection is not None
    (person,) = make_participants(project=world.project, count=1)
    body = {
        "instrument": collection.instrument.pk,
        "wave": "baseline",
        "rows": [{"participant": person.pseudonym, "team": "North\r\nTeam", "answers": {"q1": 4}}],
    }
    response = Client().post(
        f"/api/v1/projects/{world.project.pk}/responses",
        json.dumps(body),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {collection.api_key}",
    )
    assert response.status_code == 422
    (error,) = response.json()["detail"]
    assert error["loc"][-1] == "team" and "must not contain line breaks" in error["msg"]
    assert not Response.objects.filter(participant=person).exists()
