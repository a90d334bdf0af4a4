"""Data collection in Chromium, with axe-core on every page: a respondent answers on a phone from their link,
and a site lead imports a spreadsheet with errors, fixes it and imports it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from playwright.sync_api import expect

from pine.collection.models import ImportBatch, Response
from tests.browser.conftest import Browser
from tests.browser.test_journeys import sign_in
from tests.collection.factories import open_gate
from tests.conftest import World
from tests.factories import MembershipFactory


def test_a_respondent_answers_a_questionnaire_from_their_link_on_a_phone(
    chromium: Any, live_server: Any, world: World
) -> None:
    collection = world.collection
    assert collection is not None
    context = chromium.new_context(
        base_url=live_server.url, viewport={"width": 375, "height": 667}, is_mobile=True, has_touch=True
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    browser = Browser(page, live_server.url)
    try:
        page = browser.visit(f"/s/{collection.link_token}/")
        expect(page.get_by_role("heading", level=1)).to_have_text("Before you start: how your answers are used")
        expect(page.get_by_role("heading", name="Privacy notice")).to_be_visible()
        # Nothing on the page is wider than the phone's screen.
        assert page.evaluate("document.documentElement.scrollWidth") <= 375
        page.get_by_role("button", name="Start now").click()
        browser.check()

        expect(page.get_by_role("heading", level=1)).to_have_text("Your practice")
        page.get_by_role("group", name="I feel confident assessing risk").get_by_label("Agree", exact=True).check()
        page.get_by_role("button", name="Save and continue").click()
        browser.check()
        expect(page.get_by_role("alert")).to_contain_text("Select an answer to: I know where to find guidance")
        for question, answer in (
            ("I know where to find guidance", "Strongly agree"),
            ("I plan my visits well", "Neither agree nor disagree"),
            ("I often feel unsure what to do", "Disagree"),
        ):
            page.get_by_role("group", name=question).get_by_label(answer, exact=True).check()
        page.get_by_role("button", name="Save and continue").click()
        browser.check()

        expect(page.get_by_role("heading", level=1)).to_have_text("About you")
        page.get_by_label("Years in social work").fill("6")
        page.get_by_role("group", name="Your role").get_by_label("Senior").check()
        page.get_by_role("group", name="Topics you want (optional)").get_by_label("Neglect").check()
        assert page.evaluate("document.documentElement.scrollWidth") <= 375
        page.get_by_role("button", name="Save and check your answers").click()
        browser.check()

        expect(page.get_by_role("heading", level=1)).to_have_text("Check your answers before sending them")
        expect(page.get_by_text("4 – Agree")).to_be_visible()
        page.get_by_role("link", name="Change your answer to Years in social work").click()
        browser.check()
        page.get_by_label("Years in social work").fill("7")
        page.get_by_role("button", name="Save and return to your answers").click()
        browser.check()
        page.get_by_role("button", name="Send your answers").click()
        browser.check()
        expect(page.get_by_role("heading", level=1)).to_contain_text("Your answers have been sent")

        stored = Response.objects.get(participant=collection.participant)
        assert stored.status == "submitted"
        assert stored.answers == {"q1": 4, "q2": 5, "q3": 3, "q4": 2, "years": 7, "role": 2, "topics": [3]}

        page = browser.visit(f"/s/{collection.link_token}/page/1/")
        expect(page.get_by_role("heading", level=1)).to_have_text("You have already answered")
        expect(page.get_by_text("Hartwell Borough already has your answers")).to_be_visible()
        # The respondent's own header: the questionnaire and organisation, no PINE menu or sign-in link.
        expect(page.get_by_role("banner")).to_contain_text("Skills and confidence")
        expect(page.get_by_role("banner")).to_contain_text("Hartwell Borough")
        expect(page.get_by_role("link", name="Sign in")).to_have_count(0)
        expect(page.get_by_role("navigation", name="Menu")).to_have_count(0)
    finally:
        context.close()


def test_a_respondent_can_answer_without_javascript(no_js_browser: Browser, world: World) -> None:
    collection = world.collection
    assert collection is not None
    page = no_js_browser.visit(f"/s/{collection.link_token}/page/1/")
    for question in ("I feel confident assessing risk", "I know where to find guidance", "I plan my visits well"):
        page.get_by_role("group", name=question).get_by_label("Agree", exact=True).check()
    page.get_by_role("group", name="I often feel unsure what to do").get_by_label("Disagree", exact=True).check()
    page.get_by_role("button", name="Save and continue").click()
    page.get_by_label("Years in social work").fill("3")
    page.get_by_role("group", name="Your role").get_by_label("Manager").check()
    page.get_by_role("button", name="Save and check your answers").click()
    page.get_by_role("button", name="Send your answers").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Your answers have been sent")
    assert Response.objects.get(participant=collection.participant).status == "submitted"


def test_a_site_lead_imports_a_spreadsheet_with_errors_fixes_it_and_imports_it(
    browser: Browser, world: World, tmp_path: Path
) -> None:
    open_gate(world.project)
    collection = world.collection
    assert collection is not None
    lead = MembershipFactory(organisation=world.org_a, role="site_lead", user__email="importer@a.test").user
    person = collection.participant.pseudonym
    bad = tmp_path / "baseline.csv"
    bad.write_text(f"Participant;q1;q2;q3;q4;started\n{person};7;Agree;3;2;31/02/2026\n", encoding="cp1252")
    sign_in(browser, lead.email)
    page = browser.visit(f"/projects/{world.project.pk}/collect/")
    page.get_by_role("link", name="Import a file").click()
    browser.check()
    page.get_by_label("Upload a file").set_input_files(str(bad))
    page.get_by_role("button", name="Upload and continue").click()
    browser.check()

    expect(page.get_by_role("heading", level=1)).to_have_text("Say what each column is")
    expect(page.get_by_label("Participant", exact=True)).to_have_value("participant")
    page.get_by_label("Which wave are the answers from?").select_option(label="Baseline")
    page.get_by_role("button", name="Check the file").click()
    browser.check()
    expect(page.get_by_role("alert")).to_contain_text("There are 2 problems in the file")
    expect(page.get_by_role("cell", name="outside the scale: answers go from 1 to 5")).to_be_visible()
    expect(page.get_by_role("cell", name="not a real date", exact=False)).to_be_visible()
    assert not Response.objects.exists()

    good = tmp_path / "baseline-fixed.csv"
    good.write_text(f"Participant;q1;q2;q3;q4;started\n{person};4;Agree;3;2;28/02/2026\n", encoding="utf-8-sig")
    page.get_by_role("link", name="Upload a corrected file").click()
    browser.check()
    page.get_by_label("Upload a file").set_input_files(str(good))
    page.get_by_role("button", name="Upload and continue").click()
    browser.check()
    # The column choices are remembered; the wave is chosen again.
    page.get_by_label("Which wave are the answers from?").select_option(label="Baseline")
    page.get_by_role("button", name="Check the file").click()
    browser.check()
    expect(page.get_by_role("heading", name="What will be stored")).to_be_visible()
    expect(page.get_by_role("cell", name="4 – Agree").first).to_be_visible()
    page.get_by_role("button", name="Import 1 row").click()
    browser.check()
    expect(page.get_by_role("alert")).to_contain_text("1 response imported")
    assert Response.objects.get(participant=collection.participant).answers == {
        "q1": 4,
        "q2": 4,
        "q3": 3,
        "q4": 2,
        "started": "2026-02-28",
    }
    assert ImportBatch.objects.filter(status="committed").count() == 1
