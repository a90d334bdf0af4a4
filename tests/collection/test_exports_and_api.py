"""Downloads (CSV, XLSX, SPSS; wide and long; pseudonymised unless the DPO asks) and the JSON API."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from pine.collection import survey
from pine.collection.models import Participant, Response
from pine.core.models import AuditEvent
from tests.collection.factories import answer_link, make_participants, open_gate, with_identifiers
from tests.conftest import World

pytestmark = pytest.mark.django_db


@pytest.fixture
def answered(world: World) -> dict[str, Any]:
    """The world's questionnaire answered by two people at baseline, one with a formula in their comment."""
    open_gate(world.project)
    collection = world.collection
    assert collection is not None
    other = with_identifiers(make_participants(project=world.project, count=1, group="comparison")[0], name="Sam Other")
    answer_link(
        survey.link_for(wave=collection.wave, participant=collection.participant),
        {"q1": 4, "q2": 5, "q3": 3, "q4": 2, "years": 6, "role": 1, "topics": [1, 3], "comment": "=1+1"},
    )
    answer_link(
        survey.link_for(wave=collection.wave, participant=other), {"q1": 1, "q2": 2, "q3": 2, "years": 1, "role": 2}
    )
    return {"world": world, "collection": collection, "other": other}


def download(client: Client, project_pk: int, **params: str) -> Any:
    return client.get(reverse("collection:export-file", kwargs={"pk": project_pk}), params)


def csv_rows(response: Any) -> list[dict[str, str]]:
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text)))


def test_a_wide_csv_has_one_row_per_person_with_scores_and_no_identifiers(
    answered: dict[str, Any], client_as: Any
) -> None:
    world, collection = answered["world"], answered["collection"]
    response = download(client_as("site_member"), world.project.pk)
    rows = csv_rows(response)
    first = next(r for r in rows if r["participant"] == collection.participant.pseudonym)
    assert first["group"] == "Intervention" and first["baseline_q1"] == "4"
    assert first["baseline_score_total"] == "16" and first["baseline_score_confidence"] == "4.5"
    assert (first["baseline_topics_1"], first["baseline_topics_2"], first["baseline_topics_3"]) == ("1", "0", "1")
    assert first["baseline_comment"] == "'=1+1"  # a formula is neutralised
    second = next(r for r in rows if r["participant"] == answered["other"].pseudonym)
    assert second["baseline_score_total"] == "6.6667"  # q4 unanswered: 3 of 4 meets the minimum of 3, prorated
    content = json.dumps(rows)
    assert "Jamie" not in content and "Sam Other" not in content and "name" not in rows[0]
    event = AuditEvent.objects.filter(action="exported").last()
    assert event is not None and "pseudonymised responses CSV (wide)" in str(event.changes)


def test_a_long_xlsx_has_a_row_per_person_per_wave_and_a_data_dictionary(
    answered: dict[str, Any], client_as: Any
) -> None:
    world = answered["world"]
    response = download(client_as("research_adviser"), world.project.pk, file_format="xlsx", layout="long")
    workbook = load_workbook(io.BytesIO(response.content))
    data = list(workbook["Responses"].iter_rows(values_only=True))
    assert data[0][:4] == ("participant", "group", "cluster", "wave") and len(data) == 3
    assert {row[3] for row in data[1:]} == {"baseline"}
    comment = data[0].index("comment")
    assert "'=1+1" in [row[comment] for row in data[1:]]
    dictionary = {row[0]: row for row in workbook["Data dictionary"].iter_rows(values_only=True)}
    assert (
        dictionary["q1"][3]
        == "1 = Strongly disagree; 2 = Disagree; 3 = Neither agree nor disagree; 4 = Agree; 5 = Strongly agree"
    )
    assert "Reverse scored: q4" in dictionary["score_total"][4]


def test_spss_files_carry_variable_and_value_labels(answered: dict[str, Any], client_as: Any, tmp_path: Any) -> None:
    import pyreadstat

    response = download(client_as("site_lead"), answered["world"].project.pk, file_format="sav")
    path = tmp_path / "out.sav"
    path.write_bytes(response.content)
    frame, meta = pyreadstat.read_sav(str(path))
    assert sorted(frame["baseline_q1"].tolist()) == [1.0, 4.0]
    assert meta.variable_value_labels["baseline_q1"][5.0] == "Strongly agree"
    assert meta.column_names_to_labels["baseline_q1"].startswith("I feel confident assessing risk")


def test_only_the_dpo_may_download_identifiers_and_it_is_recorded(answered: dict[str, Any], client_as: Any) -> None:
    project = answered["world"].project
    for role in ("site_lead", "site_member", "research_adviser", "programme_manager"):
        assert download(client_as(role), project.pk, identifiable="yes").status_code == 403, role
    rows = csv_rows(download(client_as("dpo"), project.pk, identifiable="yes"))
    assert {r["name"] for r in rows} == {"Jamie Example", "Sam Other"}
    event = AuditEvent.objects.filter(action="exported").last()
    assert event is not None and event.actor == answered["world"].users["dpo"]
    assert "identifiable responses CSV" in str(event.changes) and "Jamie" not in str(event.changes)


def test_no_identifiers_for_site_members_or_advisers_on_any_page(answered: dict[str, Any], client_as: Any) -> None:
    world, collection = answered["world"], answered["collection"]
    pages = [
        reverse("collection:participant", kwargs={"pk": world.project.pk, "participant": collection.participant.pk}),
        reverse("collection:participants", kwargs={"pk": world.project.pk}),  # searched by a POST
        reverse("collection:wave", kwargs={"pk": world.project.pk, "wave": collection.wave.pk}),
        reverse("collection:export-dictionary", kwargs={"pk": world.project.pk}),
    ]
    for role in ("site_member", "practice_adviser", "research_adviser", "programme_manager"):
        client = client_as(role)
        for url in (pages[0], pages[2], pages[3]):
            response = client.get(url)
            body = response.content if hasattr(response, "content") else b"".join(response.streaming_content)
            assert b"Jamie" not in body and b"jamie@example.org" not in body and b"HC-0001" not in body, (role, url)
        # Searching by a name finds nobody for them: only the lead and the DPO search by identifiers.
        searched = client.post(pages[1], {"q": "Jamie Example"}).content
        assert collection.participant.pseudonym.encode() not in searched, role
    for role in ("site_lead", "dpo"):
        body = client_as(role).get(pages[0]).content
        assert b"Jamie Example" in body and b"HC-0001" in body
        found = client_as(role).post(pages[1], {"q": "Jamie Example"}).content
        assert collection.participant.pseudonym.encode() in found and b"1 found" in found


# The API


def api(client: Client, method: str, path: str, key: str | None, body: Any = None) -> Any:
    headers = {"HTTP_AUTHORIZATION": f"Bearer {key}"} if key else {}
    if method == "post":
        return client.post("/api/v1" + path, json.dumps(body), content_type="application/json", **headers)
    return client.get("/api/v1" + path, **headers)


def test_the_api_needs_a_valid_key_for_its_own_organisation(world: World) -> None:
    client, collection = Client(), world.collection
    assert collection is not None
    assert api(client, "get", "/projects", None).status_code == 401
    assert api(client, "get", "/projects", "pine_wrong").status_code == 401
    projects = api(client, "get", "/projects", collection.api_key).json()
    assert [p["id"] for p in projects] == [world.project.pk] and projects[0]["data_collection_open"] is False
    from tests.journey.factories import make_project

    elsewhere, *_ = make_project(
        organisation=world.org_b,
        practice_adviser=world.users["practice_adviser"],
        research_adviser=world.users["research_adviser"],
        lead=world.users["other_site_lead"],
        title="Elsewhere",
    )
    assert api(client, "get", f"/projects/{elsewhere.pk}/participants", collection.api_key).status_code == 404
    collection.api_token.revoked_at = collection.api_token.created_at
    collection.api_token.save()
    assert api(client, "get", "/projects", collection.api_key).status_code == 401


def test_the_api_answers_429_with_retry_after_per_key_over_its_limit(world: World, settings: Any) -> None:
    """Beyond API_REQUESTS_PER_MINUTE one key gets 429, Retry-After and a plain message; another key does not."""
    from pine.collection.api import token_hash
    from pine.collection.models import ApiToken

    settings.API_REQUESTS_PER_MINUTE = 3
    client, collection = Client(), world.collection
    assert collection is not None
    for _ in range(3):
        assert api(client, "get", "/projects", collection.api_key).status_code == 200
    refused = api(client, "get", "/projects", collection.api_key)
    assert refused.status_code == 429
    assert 0 < int(refused["Retry-After"]) <= 60
    assert "Try again in" in refused.json()["detail"]
    ApiToken.objects.create(
        organisation=world.org_a,
        name="Other",
        prefix="pine_other",
        token_hash=token_hash("pine_other"),
        scopes=["read"],
    )
    assert api(client, "get", "/projects", "pine_other").status_code == 200


def test_the_api_lists_questionnaires_waves_and_pseudonymised_participants(answered: dict[str, Any]) -> None:
    world, collection = answered["world"], answered["collection"]
    client, key, pk = Client(), collection.api_key, world.project.pk
    instruments = api(client, "get", f"/projects/{pk}/instruments", key).json()
    assert instruments[0]["items"][0]["code"] == "q1"
    assert api(client, "get", f"/projects/{pk}/waves", key).json()[0]["code"] == "baseline"
    people = api(client, "get", f"/projects/{pk}/participants", key).json()
    assert {p["pseudonym"] for p in people} == {collection.participant.pseudonym, answered["other"].pseudonym}
    assert "Jamie" not in json.dumps(people)
    table = api(client, "get", f"/projects/{pk}/responses?layout=wide", key).json()
    assert "baseline_score_total" in table["variables"] and len(table["rows"]) == 2


def test_sending_responses_through_the_api_checks_them_like_an_import(answered: dict[str, Any]) -> None:
    world, collection = answered["world"], answered["collection"]
    client, key, pk = Client(), collection.api_key, world.project.pk
    people = make_participants(project=world.project, count=2)
    good = {"participant": people[0].pseudonym, "answers": {"q1": 4, "q2": "Agree", "mentor": True, "topics": [1, 2]}}
    bad = {"participant": people[1].pseudonym, "answers": {"q1": 9}}
    body = {"instrument": collection.instrument.pk, "wave": "baseline", "rows": [good, bad]}
    response = api(client, "post", f"/projects/{pk}/responses", key, body)
    assert response.status_code == 422
    assert response.json()["problems"] == [
        {"row": 2, "column": "q1", "value": "9", "problem": "outside the scale: answers go from 1 to 5"}
    ]
    assert not Response.objects.filter(participant__in=people).exists()  # nothing stored

    body["rows"] = [good]
    response = api(client, "post", f"/projects/{pk}/responses", key, body)
    assert response.status_code == 201 and response.json() == {"stored": 1, "participants_added": 0, "late": 0}
    stored = Response.objects.get(participant=people[0])
    assert stored.answers == {"q1": 4, "q2": 4, "mentor": 1, "topics": [1, 2]} and stored.source == "api"
    assert api(client, "post", f"/projects/{pk}/responses", key, body).status_code == 422  # a duplicate now
    event = AuditEvent.objects.filter(actor_label__startswith="API key Case system").last()
    assert event is not None and event.changes["responses"] == [0, 1]


def test_the_api_refuses_what_its_key_may_not_do_and_what_the_gate_forbids(world: World) -> None:
    collection = world.collection
    assert collection is not None
    client, key, pk = Client(), collection.api_key, world.project.pk
    body = {"instrument": collection.instrument.pk, "wave": "baseline", "rows": [{"participant": "P-X", "answers": {}}]}
    response = api(client, "post", f"/projects/{pk}/responses", key, body)
    assert response.status_code == 409 and "data protection" in response.json()["detail"]
    collection.api_token.scopes = ["read"]
    collection.api_token.save()
    assert api(client, "post", f"/projects/{pk}/responses", key, body).status_code == 403
    assert api(client, "post", f"/projects/{pk}/responses", key, {"rows": []}).status_code in {403, 422}


def test_the_openapi_document_and_its_page(world: World) -> None:
    client = Client()
    document = client.get("/api/v1/openapi.json").json()
    assert document["info"]["title"] == "PINE data collection API"
    assert "/api/v1/projects/{project_id}/responses" in document["paths"]
    assert document["components"]["securitySchemes"]["ApiKey"]["scheme"] == "bearer"
    page = client.get("/api/docs")
    assert page.status_code == 200 and b"/api/v1/projects/{project_id}/responses" in page.content


def test_an_api_key_is_shown_once_and_stored_as_a_hash(world: World, client_as: Any) -> None:
    client = client_as("site_lead")
    url = reverse("collection:api-tokens", kwargs={"pk": world.org_a.pk})
    response = client.post(url, {"name": "Mosaic export", "scopes": ["write"]})
    key = response.context["new_key"]
    assert key.startswith("pine_") and key.encode() in response.content
    assert key.encode() not in client.get(url).content
    from pine.collection.models import ApiToken

    token = ApiToken.objects.get(name="Mosaic export")
    assert key not in str(ApiToken.objects.filter(pk=token.pk).values().get())
    assert api(Client(), "get", "/projects", key).status_code == 200
    client.post(reverse("collection:api-token-revoke", kwargs={"pk": world.org_a.pk, "token": token.pk}))
    assert api(Client(), "get", "/projects", key).status_code == 401
    assert Participant.objects.count() == 1
