"""Data collection's pages as people use them: building a questionnaire, respondents answering from a link
(without JavaScript: plain form posts), participants, and an import from upload to stored rows."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from pine.collection import survey
from pine.collection.models import ImportBatch, ImportStatus, Instrument, Participant, Response, SurveyLink
from tests.collection.factories import make_participants, open_gate
from tests.conftest import World, sign_in

pytestmark = pytest.mark.django_db


def url(name: str, **kwargs: Any) -> str:
    return reverse(f"collection:{name}", kwargs=kwargs)


def test_a_site_member_builds_a_questionnaire_and_previews_it(world: World, client_as: Any) -> None:
    client, pk = client_as("site_member"), world.project.pk
    response = client.post(url("instrument-create", pk=pk), {"name": "", "scoring": "sum"})
    assert "Enter the name of the questionnaire" in response.content.decode()
    response = client.post(url("instrument-create", pk=pk), {"name": "Wellbeing", "scoring": "mean"})
    instrument = Instrument.objects.get(name="Wellbeing")
    assert response.url == instrument.get_absolute_url()
    section = instrument.sections.get()
    response = client.post(
        url("item-create", pk=pk, instrument=instrument.pk, section=section.pk),
        {"text": "I feel calm", "code": "calm", "kind": "likert", "options": "Never\nRarely", "scale_start": "1"},
    )
    assert "between 4 and 11 points" in response.content.decode()
    client.post(
        url("item-create", pk=pk, instrument=instrument.pk, section=section.pk),
        {
            "text": "I feel calm",
            "code": "calm",
            "kind": "likert",
            "options": "Never\nRarely\nSometimes\nOften\nAlways",
            "scale_start": "0",
            "required": "on",
            "scored": "on",
        },
    )
    item = instrument.items.get()
    assert item.options == ["Never", "Rarely", "Sometimes", "Often", "Always"] and item.scale_range == (0, 4)
    preview = client.get(url("instrument-preview", pk=pk, instrument=instrument.pk))
    page = preview.content.decode()
    assert "I feel calm" in page and 'type="radio"' in page and "Nothing you enter here is saved" in page
    checked = client.post(url("instrument-preview", pk=pk, instrument=instrument.pk), {})
    assert "Select an answer to: I feel calm" in checked.content.decode()
    assert not Response.objects.exists()


def test_opening_a_wave_before_the_gate_explains_why(world: World, client_as: Any) -> None:
    collection = world.collection
    assert collection is not None
    client = client_as("site_lead")
    from pine.collection.models import Wave

    Wave.objects.filter(pk=collection.wave.pk).update(opened_at=None)
    response = client.post(url("wave-open", pk=world.project.pk, wave=collection.wave.pk), follow=True)
    assert "Data collection opens when the data protection and ethics checkpoint decides to proceed" in (
        response.content.decode()
    )
    open_gate(world.project)
    response = client.post(url("wave-open", pk=world.project.pk, wave=collection.wave.pk), follow=True)
    assert "Baseline is open" in response.content.decode()


def answer(client: Client, token: str, number: int, data: dict[str, Any], **extra: Any) -> Any:
    return client.post(reverse("collection:respond-page", kwargs={"token": token, "number": number}), data, **extra)


def test_a_respondent_reads_the_privacy_notice_answers_comes_back_and_sends(world: World) -> None:
    collection = world.collection
    assert collection is not None
    client, token = Client(), collection.link_token
    start = client.get(reverse("collection:respond", kwargs={"token": token})).content.decode()
    assert "Privacy notice" in start and "Start now" in start and "Jamie" not in start
    page = client.get(reverse("collection:respond-page", kwargs={"token": token, "number": 1})).content.decode()
    assert "I feel confident assessing risk" in page
    response = answer(client, token, 1, {"q1": "4"})
    assert (
        response.status_code == 200
        and "Select an answer to: I know where to find guidance" in response.content.decode()
    )
    # Save and come back later keeps what is answered so far.
    response = answer(client, token, 1, {"q1": "4", "save_for_later": "1"})
    assert "Your answers have been saved" in response.content.decode()
    again = Client().get(reverse("collection:respond", kwargs={"token": token})).content.decode()
    assert "Continue where you left off" in again
    response = answer(client, token, 1, {"q1": "4", "q2": "5", "q3": "3", "q4": "2"})
    assert response.url.endswith("/page/2/")
    response = answer(client, token, 2, {"years": "6", "role": "1", "topics": ["1", "3"], "started_0": "3"})
    assert "When did you start? must include a month and a year" in response.content.decode()
    response = answer(client, token, 2, {"years": "6.5", "role": "1", "topics": ["1", "3"], "mentor": "0"})
    assert response.url.endswith("/check/")
    check = client.get(response.url).content.decode()
    assert "4 – Agree" in check and "Risk, Neglect" in check and "Send your answers" in check
    response = client.post(reverse("collection:respond-check", kwargs={"token": token}))
    assert response.url.endswith("/done/")
    assert "Your answers have been sent" in client.get(response.url).content.decode()
    stored = Response.objects.get(participant=collection.participant)
    assert stored.status == "submitted"
    assert stored.answers == {
        "q1": 4,
        "q2": 5,
        "q3": 3,
        "q4": 2,
        "years": 6.5,
        "role": 1,
        "topics": [1, 3],
        "mentor": 0,
    }
    # The link cannot change the answers now.
    used = answer(Client(), token, 1, {"q1": "1", "q2": "1", "q3": "1", "q4": "1"})
    assert used.status_code == 410 and "You have already answered" in used.content.decode()
    assert Response.objects.get(pk=stored.pk).answers["q1"] == 4


def test_unknown_expired_and_guessed_links_get_clear_pages(world: World) -> None:
    collection = world.collection
    assert collection is not None
    client = Client()
    missing = client.get(reverse("collection:respond", kwargs={"token": "not-a-real-link"}))
    assert missing.status_code == 404 and "This link is not valid" in missing.content.decode()
    from pine.collection.models import Wave

    Wave.objects.filter(pk=collection.wave.pk).update(closed_at=collection.wave.created_at)
    closed = client.get(reverse("collection:respond", kwargs={"token": collection.link_token}))
    assert closed.status_code == 410 and "has closed" in closed.content.decode()
    for n in range(survey.GUESS_LIMIT.count):
        client.get(reverse("collection:respond", kwargs={"token": f"guess-{n}"}))
    refused = client.get(reverse("collection:respond", kwargs={"token": collection.link_token}))
    assert refused.status_code == 429 and "Too many attempts" in refused.content.decode()
    assert "Try again in" in refused.content.decode() and int(refused["Retry-After"]) > 0


def test_the_done_page_counts_failed_look_ups_and_refuses_over_the_limit(world: World) -> None:
    """/s/<bad>/done/ counts towards the guessing limit like every survey-link page, and is refused after it."""
    collection = world.collection
    assert collection is not None
    client = Client()
    for n in range(survey.GUESS_LIMIT.count):
        missing = client.get(reverse("collection:respond-done", kwargs={"token": f"guess-{n}"}))
        assert missing.status_code == 404
    for name in ("respond-done", "respond", "respond-check"):
        refused = client.get(reverse(f"collection:{name}", kwargs={"token": collection.link_token}))
        assert refused.status_code == 429 and "Too many attempts" in refused.content.decode()
    refused = client.get(reverse("collection:respond-page", kwargs={"token": collection.link_token, "number": 1}))
    assert refused.status_code == 429


def test_an_open_link_takes_anonymous_answers_once_per_respondent(world: World, client_as: Any) -> None:
    open_gate(world.project)
    collection = world.collection
    assert collection is not None
    client_as("site_lead").post(url("wave-open-link", pk=world.project.pk, wave=collection.wave.pk))
    link = SurveyLink.objects.get(kind="open")
    token = survey.link_token(link)
    for _ in range(2):
        respondent = Client()
        answer(respondent, token, 1, {"q1": "4", "q2": "5", "q3": "3", "q4": "2"})
        answer(respondent, token, 2, {"years": "6", "role": "1"})
        respondent.post(reverse("collection:respond-check", kwargs={"token": token}))
        again = respondent.get(reverse("collection:respond", kwargs={"token": token}))
        assert again.status_code == 410 and "already sent your answers" in again.content.decode()
    rows = Response.objects.filter(link=link, status="submitted")
    assert rows.count() == 2 and {r.participant_id for r in rows} == {None}
    assert len({r.respondent_key for r in rows}) == 2


def test_identifiers_are_asked_only_of_the_lead_and_dpo(world: World, client_as: Any) -> None:
    pk = world.project.pk
    member_form = client_as("site_member").get(url("participant-create", pk=pk)).content.decode()
    assert "Identifying details" not in member_form
    client_as("site_member").post(
        url("participant-create", pk=pk), {"p-group": "comparison", "p-consent": "given", "id-name": "Sneaky Name"}
    )
    added = Participant.objects.filter(group="comparison").get()
    assert added.name == ""
    lead = client_as("site_lead")
    response = lead.post(
        url("participant-create", pk=pk),
        {"p-group": "intervention", "p-consent": "given", "id-name": "Robin Case", "id-email": "not-an-email"},
    )
    assert "Enter an email address in the correct format" in response.content.decode()
    response = lead.post(
        url("participant-create", pk=pk),
        {"p-group": "intervention", "p-consent": "given", "id-name": "Robin Case", "id-case_number": "HC-42"},
    )
    robin = Participant.objects.get(group="intervention", consent="given")
    assert robin.name == "Robin Case" and response.url == robin.get_absolute_url()
    assert "Robin" not in response.url and "HC-42" not in response.url
    found = lead.post(url("participants", pk=pk), {"q": "hc-42"}).content.decode()
    assert robin.pseudonym in found and "1 found" in found


def test_a_site_lead_uploads_fixes_and_imports_a_spreadsheet(world: World, client_as: Any) -> None:
    open_gate(world.project)
    collection = world.collection
    assert collection is not None
    client, pk = client_as("site_lead"), world.project.pk
    person = collection.participant.pseudonym
    bad = f"Participant,q1,q2\n{person},7,Agree\n".encode()
    response = client.post(url("imports", pk=pk), {"file": SimpleUploadedFile("survey.csv", bad)})
    batch = ImportBatch.objects.exclude(pk=collection.batch.pk).get()
    assert response.url == url("import-columns", pk=pk, batch=batch.pk)
    columns = client.get(response.url).content.decode()
    assert "Participant (PINE pseudonym)" in columns
    form = {"instrument": collection.instrument.pk, "wave": collection.wave.pk, "missing_codes": "N/A"}
    form |= {"col_0": "participant", "col_1": "item:q1", "col_2": "item:q2"}
    response = client.post(url("import-columns", pk=pk, batch=batch.pk), form)
    report = client.get(response.url).content.decode()
    assert "There is 1 problem in the file" in report and "outside the scale: answers go from 1 to 5" in report
    assert not Response.objects.filter(import_batch=batch).exists()

    good = f"Participant,q1,q2\n{person},4,Agree\n".encode()
    client.post(url("imports", pk=pk), {"file": SimpleUploadedFile("survey-fixed.csv", good)})
    fixed = ImportBatch.objects.get(filename="survey-fixed.csv")
    assert fixed.mapping == {"Participant": "participant", "q1": "item:q1", "q2": "item:q2"}  # remembered
    client.post(url("import-columns", pk=pk, batch=fixed.pk), form)
    preview = client.get(url("import", pk=pk, batch=fixed.pk)).content.decode()
    assert "Import 1 row" in preview and "4 – Agree" in preview
    response = client.post(url("import-commit", pk=pk, batch=fixed.pk), follow=True)
    assert "1 response imported" in response.content.decode()
    fixed.refresh_from_db()
    assert fixed.status == ImportStatus.COMMITTED
    assert Response.objects.get(import_batch=fixed).answers == {"q1": 4, "q2": 4}
    again = client.post(url("imports", pk=pk), {"file": SimpleUploadedFile("copy.csv", good)})
    assert "This file was already imported on" in again.content.decode()


def test_a_file_that_is_not_what_it_claims_is_refused_on_the_page(world: World, client_as: Any, settings: Any) -> None:
    open_gate(world.project)
    client, pk = client_as("site_member"), world.project.pk
    response = client.post(url("imports", pk=pk), {"file": SimpleUploadedFile("data.xlsx", b"\x00\x01binary")})
    assert "not an Excel file" in response.content.decode() and response.status_code == 200
    settings.PINE_UPLOAD_MAX_BYTES = 10
    response = client.post(url("imports", pk=pk), {"file": SimpleUploadedFile("data.csv", b"a,b\n1,2\n3,4\n")})
    assert "The selected file must be smaller than 1 KB" in response.content.decode()
    assert ImportBatch.objects.count() == 1


def test_the_stage_5_tasks_show_in_the_workspace(world: World, client_as: Any) -> None:
    open_gate(world.project)
    page = client_as("site_lead").get(reverse("journey:stage", kwargs={"pk": world.project.pk, "number": 5}))
    text = page.content.decode()
    for title in ("Set up your questionnaires", "Add participants and waves", "Collect responses"):
        assert title in text


def test_identifier_search_is_posted_so_identifiers_stay_out_of_addresses(world: World, client_as: Any) -> None:
    """The participant search is a POST form with a CSRF token; a query string is ignored, never searched."""
    assert world.collection is not None
    lead, pk = client_as("site_lead"), world.project.pk
    page = lead.get(url("participants", pk=pk)).content.decode()
    assert re.search(r'<form method="post"[^>]*>\s*<input type="hidden" name="csrfmiddlewaretoken"', page)
    assert 'method="get"' not in page
    person = world.collection.participant.pseudonym
    other = make_participants(project=world.project, count=1)[0].pseudonym
    by_get = lead.get(url("participants", pk=pk), {"q": "Jamie Example"}).content.decode()
    assert "found" not in by_get and other in by_get  # everyone, unsearched
    by_post = lead.post(url("participants", pk=pk), {"q": "Jamie Example"})
    assert by_post.status_code == 200 and by_post.headers["Cache-Control"] == "no-store"
    text = by_post.content.decode()
    assert "1 found" in text and person in text and other not in text
    assert "?q=" not in text and "Jamie" not in text.split("<table", 1)[1]
    checked = Client(enforce_csrf_checks=True)
    sign_in(checked, world.users["site_lead"])
    assert checked.post(url("participants", pk=pk), {"q": "Jamie Example"}).status_code == 403
