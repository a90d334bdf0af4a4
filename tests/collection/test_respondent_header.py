"""Respondents' pages carry the survey's own header (its name, the organisation asking) and none of PINE's
navigation or sign-in link: the start, question, saved, check and done pages, and every unusable-link page."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from pine.collection import survey
from pine.collection.models import Wave
from tests.collection.factories import open_gate
from tests.conftest import World

pytestmark = pytest.mark.django_db

PROGRAMME = ("Sign in", "Propose a project", "Sign out", 'href="/accounts/')


def _respondent_header(page: Any, *, survey_name: str, organisation: str | None) -> str:
    text = page.content.decode()
    for word in PROGRAMME:
        assert word not in text, word
    assert 'aria-label="Menu"' not in text
    header = text[text.index("<header") : text.index("</header>")]
    if organisation is not None:
        assert organisation in header and survey_name in header
        assert f"– {survey_name}</title>" in text.replace("\n", "")
    else:
        assert "Questionnaire" in header
    return text


def test_every_page_of_a_personal_link_has_the_survey_header_and_no_programme_navigation(world: World) -> None:
    """Start, question page, saved, check and done pages show the questionnaire and organisation, not PINE's menu."""
    assert world.collection is not None
    open_gate(world.project)
    client, token = Client(), world.collection.link_token
    name, org = world.collection.instrument.name, world.org_a.name

    def url(view: str, **kwargs: Any) -> str:
        return reverse(f"collection:{view}", kwargs={"token": token, **kwargs})

    _respondent_header(client.get(url("respond")), survey_name=name, organisation=org)
    _respondent_header(client.get(url("respond-page", number=1)), survey_name=name, organisation=org)
    saved = client.post(url("respond-page", number=1), {"q1": "4", "save_for_later": "1"})
    assert "Your answers have been saved" in _respondent_header(saved, survey_name=name, organisation=org)
    client.post(url("respond-page", number=1), {"q1": "4", "q2": "5", "q3": "3", "q4": "2"})
    client.post(url("respond-page", number=2), {"years": "6", "role": "1"})
    _respondent_header(client.get(url("respond-check")), survey_name=name, organisation=org)
    done = client.post(url("respond-check"))
    _respondent_header(client.get(done.url), survey_name=name, organisation=org)
    answered = client.get(url("respond"))
    assert answered.status_code == 410
    _respondent_header(answered, survey_name=name, organisation=org)


def test_unusable_link_pages_have_the_survey_header_and_no_programme_navigation(world: World) -> None:
    """An unknown link, a closed wave's link and too many guesses all show a respondent's header, no PINE menu."""
    assert world.collection is not None
    client = Client()
    unknown = client.get(reverse("collection:respond", kwargs={"token": "not-a-real-link"}))
    assert unknown.status_code == 404
    _respondent_header(unknown, survey_name="Questionnaire", organisation=None)
    Wave.objects.filter(pk=world.collection.wave.pk).update(closed_at=world.collection.wave.created_at)
    closed = client.get(reverse("collection:respond", kwargs={"token": world.collection.link_token}))
    assert closed.status_code == 410
    _respondent_header(closed, survey_name=world.collection.instrument.name, organisation=world.org_a.name)
    for n in range(survey.GUESS_LIMIT.allowed):
        client.get(reverse("collection:respond", kwargs={"token": f"guess-{n}"}))
    refused = client.get(reverse("collection:respond", kwargs={"token": world.collection.link_token}))
    assert refused.status_code == 429
    _respondent_header(refused, survey_name="Questionnaire", organisation=None)


def test_programme_pages_keep_their_navigation(world: World) -> None:
    """The public programme pages still show PINE's navigation and sign-in link."""
    page = Client().get(reverse("intake:home")).content.decode()
    assert "Sign in" in page and 'aria-label="Menu"' in page
