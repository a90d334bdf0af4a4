"""Every download of responses gives an empty, valid file when a project has no questionnaire or no answers yet:
CSV (wide and long), XLSX, SPSS, the data dictionary, the links list and the API's export."""

from __future__ import annotations

import csv
import io
from typing import Any

import pyreadstat
import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from pine.journey.models import Project
from tests.collection.factories import make_wave, open_gate
from tests.conftest import World
from tests.journey.factories import make_project

pytestmark = pytest.mark.django_db

BASE = ["participant", "group", "cluster"]


def _bare_project(world: World) -> Project:
    project, *_ = make_project(
        organisation=world.org_a,
        practice_adviser=world.users["practice_adviser"],
        research_adviser=world.users["research_adviser"],
        lead=world.users["site_lead"],
        title="No questionnaire yet",
    )
    open_gate(project)
    return project


@pytest.fixture(params=["no questionnaire", "no responses"])
def empty_project(request: Any, world: World) -> Project:
    """A project with no questionnaire at all, or (the world's project) a questionnaire and wave but no answers."""
    if request.param == "no questionnaire":
        return _bare_project(world)
    open_gate(world.project)
    return world.project


def _body(response: Any) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def _csv(response: Any) -> list[list[str]]:
    return list(csv.reader(io.StringIO(_body(response).decode("utf-8-sig"))))


@pytest.mark.parametrize("layout", ["wide", "long"])
def test_csv_downloads_of_a_project_without_answers_are_headings_only(
    empty_project: Project, client_as: Any, layout: str
) -> None:
    """A CSV download (wide or long) of a project without answers has its headings and no rows."""
    client = client_as("site_member")
    url = reverse("collection:export-file", kwargs={"pk": empty_project.pk})
    response = client.get(url, {"file_format": "csv", "layout": layout})
    assert response.status_code == 200
    rows = _csv(response)
    assert rows[0][:3] == BASE and len(rows) == 1
    if layout == "long":
        assert rows[0][3] == "wave"


@pytest.mark.parametrize("layout", ["wide", "long"])
def test_xlsx_downloads_of_a_project_without_answers_open_with_both_sheets(
    empty_project: Project, client_as: Any, layout: str
) -> None:
    """An XLSX download of a project without answers opens, with headings, no rows and its data dictionary."""
    client = client_as("site_member")
    url = reverse("collection:export-file", kwargs={"pk": empty_project.pk})
    response = client.get(url, {"file_format": "xlsx", "layout": layout})
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(_body(response)), read_only=True)
    assert book.sheetnames == ["Responses", "Data dictionary"]
    responses = list(book["Responses"].iter_rows(values_only=True))
    assert list(responses[0][:3]) == BASE and len(responses) == 1
    dictionary = list(book["Data dictionary"].iter_rows(values_only=True))
    assert dictionary[0][0] == "Variable" and dictionary[1][0] == "participant"


@pytest.mark.parametrize("layout", ["wide", "long"])
def test_spss_downloads_of_a_project_without_answers_read_back_with_no_cases(
    empty_project: Project, client_as: Any, layout: str, tmp_path: Any
) -> None:
    """An SPSS download of a project without answers reads back in pyreadstat with its variables and no cases."""
    client = client_as("site_member")
    url = reverse("collection:export-file", kwargs={"pk": empty_project.pk})
    response = client.get(url, {"file_format": "sav", "layout": layout})
    assert response.status_code == 200
    path = tmp_path / "empty.sav"
    path.write_bytes(_body(response))
    frame, meta = pyreadstat.read_sav(str(path))
    assert list(frame.columns[:3]) == BASE and len(frame) == 0
    assert meta.column_names_to_labels["participant"].startswith("Participant")


@pytest.mark.parametrize("layout", ["wide", "long"])
def test_the_data_dictionary_of_a_project_without_answers_lists_its_variables(
    empty_project: Project, client_as: Any, layout: str
) -> None:
    """The data dictionary of a project without answers is a valid CSV describing the columns there are."""
    client = client_as("site_member")
    response = client.get(reverse("collection:export-dictionary", kwargs={"pk": empty_project.pk}), {"layout": layout})
    assert response.status_code == 200
    rows = _csv(response)
    assert rows[0] == ["Variable", "Label", "Type", "Values", "Notes and scoring"]
    assert [r[0] for r in rows[1:4]] == BASE


@pytest.mark.parametrize("layout", ["wide", "long"])
def test_the_api_export_of_a_project_without_answers_is_an_empty_table(
    empty_project: Project, world: World, layout: str
) -> None:
    """The API's responses export of a project without answers is a table with variables and no rows."""
    assert world.collection is not None
    response = Client().get(
        f"/api/v1/projects/{empty_project.pk}/responses",
        {"layout": layout},
        HTTP_AUTHORIZATION=f"Bearer {world.collection.api_key}",
    )
    assert response.status_code == 200
    table = response.json()
    assert table["variables"][:3] == BASE and table["rows"] == []
    assert len(table["labels"]) == len(table["variables"])


def test_the_links_list_of_a_wave_without_participants_is_headings_only(world: World, client_as: Any) -> None:
    """A wave's list of links, in a project without participants or questionnaires, is a CSV with headings only."""
    project = _bare_project(world)
    wave = make_wave(project=project, instruments=[])
    response = client_as("site_lead").get(reverse("collection:wave-links", kwargs={"pk": project.pk, "wave": wave.pk}))
    assert response.status_code == 200
    assert _csv(response) == [["participant", "group", "team_or_site", "link", "answered"]]
