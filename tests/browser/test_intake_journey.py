"""From a member of the public's proposal to the new site lead's first sign-in, in Chromium with axe-core."""

from __future__ import annotations

import datetime as dt
import re

from django.core import mail
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from pine.intake.models import Consultation, Proposal, ProposalStatus
from pine.journey.models import Project
from pine.programme.seed import ensure_priorities
from tests.browser.conftest import Browser
from tests.browser.test_checkpoint_journey import fill_date
from tests.browser.test_journeys import code_for, sign_in
from tests.factories import UserFactory


def sign_in_with_code(browser: Browser, email: str, device: TOTPDevice) -> None:
    sign_in(browser, email)
    browser.page.get_by_label("Code from your authenticator app").fill(code_for(device))
    browser.page.get_by_role("button", name="Continue").click()
    browser.check()


def test_a_proposal_is_sent_triaged_consulted_on_and_accepted_and_the_lead_joins(browser: Browser) -> None:
    ensure_priorities()
    manager = UserFactory(email="pm@pine.test", full_name="Priya Shah", programme_role="programme_manager")
    manager_device = TOTPDevice.objects.create(user=manager, name="app", confirmed=True)
    adviser = UserFactory(email="tom@pine.test", full_name="Tom Okafor", programme_role="practice_adviser")
    adviser_device = TOTPDevice.objects.create(user=adviser, name="app", confirmed=True)
    UserFactory(email="aisha@pine.test", full_name="Aisha Rahman", programme_role="research_adviser")

    # A member of the public proposes a project.
    page = browser.visit("/")
    page.get_by_role("link", name="Propose a project").first.click()
    browser.check()
    page.get_by_role("button", name="Start now").click()
    browser.check()
    expect(page.get_by_role("heading", level=1)).to_have_text("About your organisation")
    page.get_by_role("button", name="Continue").click()
    browser.check()
    expect(page.get_by_role("alert")).to_contain_text("Enter your organisation's name")
    page.get_by_label("Organisation name").fill("Westbrook Borough Council")
    page.get_by_label("Local authority").check()
    page.get_by_label("Region").select_option(label="West Midlands")
    page.get_by_role("button", name="Continue").click()
    browser.check()
    page.get_by_label("Full name").fill("Jo Carter")
    page.get_by_label("Job title or role").fill("Principal social worker")
    page.get_by_label("Email address").fill("jo@westbrook.test")
    page.get_by_role("button", name="Continue").click()
    browser.check()
    page.get_by_label("What do you call it?").fill("Dads matter groups")
    page.get_by_label("What is it?").fill("Weekly groups for fathers of babies on child protection plans.")

    # They save part-way and come back through the emailed link: the answers are back, with no error messages.
    page.get_by_role("button", name="Save and come back later").click()
    browser.check()
    expect(page.get_by_label("Email address")).to_have_value("jo@westbrook.test")
    page.get_by_role("button", name="Email me a link").click()
    browser.check()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your answers are saved")
    saved = re.search(r"http://\S+(/propose/resume/\S+/)", mail.outbox[-1].body)
    assert saved is not None
    page = browser.visit(saved.group(1))
    expect(page.get_by_role("heading", level=1)).to_have_text("About the new way of working")
    expect(page.get_by_label("What do you call it?")).to_have_value("Dads matter groups")
    expect(page.get_by_text("There is a problem")).to_have_count(0)
    page.get_by_label("Who is it for?").fill("Fathers and male carers of children under one.")
    page.get_by_label("Why might it work?").fill("Fathers who feel included engage with safety plans.")
    page.get_by_label("A pilot: we have started trying it").check()
    page.get_by_role("button", name="Continue").click()
    browser.check()
    page.get_by_label("Safeguarding children under one from non-accidental injury by male carers").check()
    page.get_by_role("group", name="Does it involve children under one?").get_by_label("Yes").check()
    page.get_by_role("group", name="Does it involve fathers or other male carers?").get_by_label("Yes").check()
    page.get_by_role("button", name="Continue").click()
    browser.check()
    page.get_by_label("What do you want to find out?").fill("Whether fathers engage more with plans.")
    page.get_by_label("What is your timescale?").fill("A year from April")
    page.get_by_role("button", name="Continue").click()
    browser.check()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your answers before sending your proposal")
    page.get_by_role("link", name="Change job title or role").click()
    browser.check()
    page.get_by_label("Job title or role").fill("Head of early help")
    page.get_by_role("button", name="Save and return to your answers").click()
    browser.check()
    expect(page.get_by_text("Head of early help")).to_be_visible()
    page.get_by_role("button", name="Send proposal").click()
    browser.check()
    expect(page.get_by_role("heading", level=1)).to_have_text("Proposal sent")
    proposal = Proposal.objects.get()
    expect(page.get_by_text(proposal.reference)).to_be_visible()
    assert re.fullmatch(r"PINE-\d{4}-\d{4}", proposal.reference)

    # The saved link now says the proposal was sent, and cannot send it again.
    page = browser.visit(saved.group(1))
    expect(page.get_by_role("heading", level=1)).to_have_text("This proposal has been sent")
    sent_on = timezone.localtime(proposal.submitted_at).strftime("%-d %B %Y")
    expect(page.get_by_text(f"This proposal was sent on {sent_on} with reference {proposal.reference}")).to_be_visible()
    assert Proposal.objects.count() == 1

    # The programme manager triages it and books the initial consultation.
    sign_in_with_code(browser, "pm@pine.test", manager_device)
    page.get_by_role("link", name="Proposals", exact=True).click()
    browser.check()
    page.get_by_role("link", name=proposal.reference).click()
    browser.check()
    expect(page.get_by_text("Involves children under one: the programme's special interest")).to_be_visible()
    page.get_by_role("link", name="Assign advisers and add notes").click()
    browser.check()
    # Only the research adviser is assigned: being invited to the consultation is enough for the practice adviser.
    page.get_by_label("Research adviser").select_option(label="Aisha Rahman")
    page.get_by_label("Notes").fill("Strong fit with the special interest.")
    page.get_by_role("button", name="Save and continue").click()
    browser.check()
    page.get_by_role("link", name="Book the initial consultation").click()
    browser.check()
    fill_date(page, "Date", timezone.localdate() + dt.timedelta(days=5))
    page.get_by_label("Start time").fill("10:00")
    page.get_by_label("1 hour", exact=True).check()
    page.get_by_label("Place or video link").fill("Video call")
    page.get_by_label("Tom Okafor").check()
    page.get_by_role("button", name="Save and continue").click()
    browser.check()
    expect(page.get_by_text("The consultation is booked and everyone has a calendar invitation")).to_be_visible()
    assert any(m.to == ["jo@westbrook.test"] and m.attachments for m in mail.outbox)
    page.get_by_role("button", name="Sign out").click()
    browser.check()

    # The practice adviser, invited but not assigned, finds the consultation on his home page, holds it and
    # accepts the project into the programme.
    sign_in_with_code(browser, "tom@pine.test", adviser_device)
    expect(page.get_by_text("invited to the initial consultation for, 1 open proposal")).to_be_visible()
    page.get_by_role("link", name=re.compile("initial consultation for Dads matter groups")).click()
    browser.check()
    # An outcome follows the meeting: by now it started an hour ago.
    Consultation.objects.filter(status="booked").update(starts_at=timezone.now() - dt.timedelta(hours=1))
    page.get_by_role("link", name="Record the consultation's outcome").click()
    browser.check()
    page.get_by_label("Notes from the consultation").fill("Scope agreed: engagement of fathers in plans.")
    page.get_by_label("Accept into the programme").check()
    page.get_by_role("button", name="Save and continue").click()
    browser.check()
    expect(page.get_by_text("Accepted", exact=True)).to_be_visible()
    page.get_by_role("link", name="Go to the project").click()
    browser.check()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Dads matter groups")
    page.get_by_role("button", name="Sign out").click()
    browser.check()
    assert Proposal.objects.get().status == ProposalStatus.ACCEPTED

    # The contact accepts the invitation as site lead and finds the project.
    invitation = next(m for m in reversed(mail.outbox) if m.to == ["jo@westbrook.test"] and "/join/" in m.body)
    link = re.search(r"http://\S+/join/\S+/", invitation.body)
    assert link is not None
    page = browser.visit("/" + link.group(0).split("/", 3)[3])
    expect(page.get_by_text("Site lead at Westbrook Borough Council")).to_be_visible()
    page.get_by_label("Create a password").fill("correct horse battery staple")
    page.get_by_label("Confirm your password").fill("correct horse battery staple")
    page.get_by_role("button", name="Create account").click()
    browser.check()
    expect(page.get_by_role("heading", level=1)).to_have_text("Westbrook Borough Council")
    project = Project.objects.get()
    page.get_by_role("link", name="Dads matter groups").first.click()
    browser.check()
    # Stage 1 was completed by the consultation, so the journey starts at describing the intervention.
    expect(page.get_by_role("link", name="2. Describe your intervention")).to_be_visible()
    assert project.organisation.name == "Westbrook Borough Council" and project.current_stage == 2
    assert project.practice_adviser == adviser and project.research_adviser is not None
