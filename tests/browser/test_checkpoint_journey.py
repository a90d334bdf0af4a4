"""A stage from the site lead's request to the adviser's proceed decision, in Chromium with axe-core."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from pine.journey import services
from pine.journey.models import Checkpoint, CheckpointStatus, ProjectStage, StageStatus
from tests.browser.conftest import Browser
from tests.browser.test_journeys import code_for, sign_in
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory


def fill_date(page, legend: str, when: dt.date) -> None:  # type: ignore[no-untyped-def]
    group = page.get_by_role("group", name=legend)
    group.get_by_label("Day").fill(str(when.day))
    group.get_by_label("Month").fill(str(when.month))
    group.get_by_label("Year").fill(str(when.year))


def meeting_held(project) -> None:  # type: ignore[no-untyped-def]
    """The booked meeting's time comes: its start moves into the past, as if the days had gone by."""
    Checkpoint.objects.filter(project=project, status=CheckpointStatus.SCHEDULED).update(
        starts_at=timezone.now() - dt.timedelta(hours=1)
    )


def adviser_signs_in(browser: Browser, device: TOTPDevice) -> None:
    sign_in(browser, "tom@pine.test")
    TOTPDevice.objects.filter(pk=device.pk).update(last_t=-1)  # a second sign-in within the same 30 seconds
    device.refresh_from_db()
    browser.page.get_by_label("Code from your authenticator app").fill(code_for(device))
    browser.page.get_by_role("button", name="Continue").click()
    browser.check()


def test_site_lead_requests_a_checkpoint_and_the_adviser_decides_to_proceed(browser: Browser) -> None:
    """Request with suggested times; book one; revise with reasons the site then sees; proceed past failing
    checks only with a recorded reason."""
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
    first_choice = timezone.localdate() + dt.timedelta(days=7)
    second_choice = timezone.localdate() + dt.timedelta(days=8)

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
    fill_date(page, "First suggested date", first_choice)
    page.get_by_label("Time", exact=True).fill("10:00")
    fill_date(page, "Second suggested date (optional)", second_choice)
    page.get_by_label("Time (optional)").first.fill("2:00pm")
    page.get_by_role("button", name="Send request").click()
    browser.check()
    expect(page.get_by_text("Your advisers have been asked to book the checkpoint meeting")).to_be_visible()
    page.get_by_role("button", name="Sign out").click()
    browser.check()

    adviser_signs_in(browser, device)
    expect(page.get_by_role("heading", level=1)).to_have_text("Your projects")
    page.get_by_role("link", name="Thematic practice weeks").click()
    browser.check()
    page.get_by_role("link", name="2. Describe your intervention").click()
    browser.check()
    page.get_by_role("link", name="See the checkpoint").click()
    browser.check()
    page.get_by_role("link", name="Book the meeting").click()
    browser.check()
    # The site's suggested times are offered as choices.
    page.get_by_label(f"{second_choice:%A} {second_choice.day} {second_choice:%B %Y}, 14:00").check()
    page.get_by_label("1 hour", exact=True).check()
    page.get_by_label("Place or video link").fill("Hartwell Town Hall, room 2")
    page.get_by_role("button", name="Book meeting").click()
    browser.check()
    expect(page.get_by_text("The meeting is booked and everyone has a calendar invitation")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        f"Checkpoint on {second_choice.day} {second_choice:%B %Y}"
    )
    expect(page.get_by_text("Our theory of change, agreed with the team.")).to_be_visible()  # in the agenda
    # A decision follows its meeting: none can be recorded before it starts.
    expect(page.get_by_text("You can record the checkpoint's decision once the meeting has started")).to_be_visible()
    expect(page.get_by_role("link", name="Record the decision")).to_have_count(0)

    page.get_by_role("link", name="Add notes").click()
    browser.check()
    page.get_by_label("Meeting notes").fill("The model is not in PINE yet. Outcomes agreed.")
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

    meeting_held(project)
    page.reload()
    page.get_by_role("link", name="Record the decision").click()
    browser.check()
    expect(page.get_by_text("The theory of change has not been started in PINE.")).to_be_visible()
    page.get_by_label("Revise: the stage stays open").check()
    page.get_by_label("Reasons, and what must change if revising").fill("Enter the theory of change in PINE.")
    page.get_by_role("button", name="Record decision").click()
    browser.check()
    expect(page.get_by_text("The decision has been recorded and the team told")).to_be_visible()
    page.get_by_role("button", name="Sign out").click()
    browser.check()

    # The site is told what to change, on the stage page.
    sign_in(browser, "lead@hartwell.test")
    page.get_by_role("link", name="Thematic practice weeks").first.click()
    page.get_by_role("link", name="2. Describe your intervention").click()
    browser.check()
    banner = page.get_by_role("region", name="What to change")
    expect(banner).to_contain_text("Enter the theory of change in PINE.")
    expect(banner).to_contain_text("Share the theory of change with the team")
    held = Checkpoint.objects.get(project=project, status=CheckpointStatus.HELD)  # named by when it was held
    expect(page.get_by_role("link", name=held.label)).to_have_count(2)  # in the banner and the stage's list
    page.get_by_role("link", name="Request the checkpoint meeting").click()
    fill_date(page, "First suggested date", first_choice)
    page.get_by_label("Time", exact=True).fill("10:00")
    page.get_by_role("button", name="Send request").click()
    browser.check()
    page.get_by_role("button", name="Sign out").click()

    adviser_signs_in(browser, device)
    page.get_by_role("link", name="Thematic practice weeks").click()
    page.get_by_role("link", name="2. Describe your intervention").click()
    page.get_by_role("link", name="See the checkpoint").click()
    page.get_by_role("link", name="Book the meeting").click()
    page.get_by_label("Another date and time").check()
    fill_date(page, "Date of the meeting", first_choice)
    page.get_by_label("Start time").fill("11:00")
    page.get_by_label("1 hour", exact=True).check()
    page.get_by_label("Place or video link").fill("Online")
    page.get_by_role("button", name="Book meeting").click()
    browser.check()
    meeting_held(project)
    page.reload()
    page.get_by_role("link", name="Record the decision").click()
    page.get_by_label("Proceed to the next stage").check()
    page.get_by_role("button", name="Record decision").click()
    browser.check()
    expect(page.get_by_role("alert")).to_contain_text("confirm that you are overriding them")
    page.get_by_label("Proceed although the checks above are failing").check()
    page.get_by_label("Why proceed although the checks are failing?").fill("The model was agreed on paper.")
    page.get_by_role("button", name="Record decision").click()
    browser.check()
    expect(page.get_by_text("The decision has been recorded and the team told")).to_be_visible()
    expect(page.get_by_text("This decision proceeded although the stage's checks were failing.")).to_be_visible()
    expect(page.get_by_text("The model was agreed on paper.")).to_be_visible()
    assert ProjectStage.objects.get(project=project, number=2).status == StageStatus.COMPLETED
    assert ProjectStage.objects.get(project=project, number=3).status == StageStatus.OPEN
    page.get_by_role("link", name="Back to the stage").click()
    browser.check()
    page.get_by_role("link", name="Back to the project").click()
    browser.check()
    expect(page.get_by_text("You are at stage 3")).to_be_visible()
    assert lead.journey_actions.count() == 1
