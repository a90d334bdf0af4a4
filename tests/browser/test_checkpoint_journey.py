"""A stage from the site lead's request to the adviser's proceed decision, in Chromium with axe-core."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from pine.journey import services
from pine.journey.models import ProjectStage, StageStatus
from tests.browser.conftest import Browser
from tests.browser.test_journeys import code_for, sign_in
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory


def fill_date(page, legend: str, when: dt.date) -> None:  # type: ignore[no-untyped-def]
    group = page.get_by_role("group", name=legend)
    group.get_by_label("Day").fill(str(when.day))
    group.get_by_label("Month").fill(str(when.month))
    group.get_by_label("Year").fill(str(when.year))


def test_site_lead_requests_a_checkpoint_and_the_adviser_decides_to_proceed(browser: Browser) -> None:
    organisation = OrganisationFactory(name="Hartwell")
    lead = MembershipFactory(
        organisation=organisation, role="site_lead", user__email="lead@hartwell.test", user__full_name="Sarah Bennett"
    ).user
    adviser = UserFactory(email="tom@pine.test", full_name="Tom Okafor", programme_role="practice_adviser")
    device = TOTPDevice.objects.create(user=adviser, name="app", confirmed=True)
    research = UserFactory(email="aisha@pine.test", full_name="Aisha Rahman", programme_role="research_adviser")
    project = services.project_create(
        actor=adviser,
        organisation=organisation,
        title="Thematic practice weeks",
        practice_adviser=adviser,
        research_adviser=research,
        initial_consultation_done=True,
    )

    sign_in(browser, "lead@hartwell.test")
    page = browser.page
    page.get_by_role("link", name="Thematic practice weeks").first.click()
    browser.check()
    page.get_by_role("link", name="2. Describe your intervention").click()
    browser.check()
    page.get_by_label("What did you produce in this stage?").fill("Our theory of change, agreed with the team.")
    page.get_by_role("button", name="Save").click()
    browser.check()
    expect(page.get_by_text("Your record of this stage has been saved")).to_be_visible()
    page.get_by_role("link", name="Request the checkpoint meeting").click()
    browser.check()
    page.get_by_role("button", name="Send request").click()
    browser.check()
    expect(page.get_by_role("alert")).to_contain_text("Enter first suggested date")
    fill_date(page, "First suggested date", timezone.localdate() + dt.timedelta(days=7))
    page.get_by_label("Time", exact=True).fill("10:00")
    page.get_by_role("button", name="Send request").click()
    browser.check()
    expect(page.get_by_text("Your advisers have been asked to book the checkpoint meeting")).to_be_visible()
    page.get_by_role("button", name="Sign out").click()
    browser.check()

    sign_in(browser, "tom@pine.test")
    page.get_by_label("Code from your authenticator app").fill(code_for(device))
    page.get_by_role("button", name="Continue").click()
    browser.check()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your projects")
    page.get_by_role("link", name="Thematic practice weeks").click()
    browser.check()
    page.get_by_role("link", name="2. Describe your intervention").click()
    browser.check()
    page.get_by_role("link", name="See the checkpoint").click()
    browser.check()
    page.get_by_role("link", name="Book the meeting").click()
    browser.check()
    fill_date(page, "Date of the meeting", timezone.localdate() + dt.timedelta(days=7))
    page.get_by_label("Start time").fill("10:00")
    page.get_by_label("1 hour", exact=True).check()
    page.get_by_label("Place or video link").fill("Hartwell Town Hall, room 2")
    page.get_by_role("button", name="Book meeting").click()
    browser.check()
    expect(page.get_by_text("The meeting is booked and everyone has a calendar invitation")).to_be_visible()
    expect(page.get_by_text("Our theory of change, agreed with the team.")).to_be_visible()  # in the agenda

    page.get_by_role("link", name="Add notes").click()
    browser.check()
    page.get_by_label("Meeting notes").fill("The model is clear. Outcomes agreed.")
    page.get_by_role("button", name="Save notes").click()
    browser.check()
    page.get_by_role("link", name="Add an action").click()
    browser.check()
    page.get_by_label("What needs doing?").fill("Share the theory of change with the team")
    page.get_by_label("Who will do it?").select_option(label="Sarah Bennett")
    fill_date(page, "Due date", timezone.localdate() + dt.timedelta(days=14))
    page.get_by_role("button", name="Add action").click()
    browser.check()
    expect(page.get_by_role("cell", name="Share the theory of change with the team", exact=True)).to_be_visible()

    page.get_by_role("link", name="Record the decision").click()
    browser.check()
    page.get_by_label("Proceed to the next stage").check()
    page.get_by_role("button", name="Record decision").click()
    browser.check()
    expect(page.get_by_text("The decision has been recorded and the team told")).to_be_visible()
    assert ProjectStage.objects.get(project=project, number=2).status == StageStatus.COMPLETED
    assert ProjectStage.objects.get(project=project, number=3).status == StageStatus.OPEN
    page.get_by_role("link", name="Back to the stage").click()
    browser.check()
    page.get_by_role("link", name="Back to the project").click()
    browser.check()
    expect(page.get_by_text("You are at stage 3")).to_be_visible()
    assert lead.journey_actions.count() == 1
