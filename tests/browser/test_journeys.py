"""Journeys through PINE as people make them, in Chromium, with axe-core on every page."""

from __future__ import annotations

import re
from typing import Any

from django.core import mail
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from pine.accounts.models import Membership, User
from pine.core.models import AuditAction, AuditEvent
from tests.browser.conftest import Browser
from tests.factories import PASSWORD, MembershipFactory, OrganisationFactory, UserFactory


def sign_in(browser: Browser, email: str, password: str = PASSWORD) -> None:
    page = browser.visit("/sign-in/")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    browser.check()


def code_for(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def test_public_pages_are_accessible(browser: Browser, live_server: Any) -> None:
    page = browser.visit("/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Find out if your new way of working makes a difference")
    for link in ("Accessibility statement", "Privacy notice", "Cookies"):
        page.get_by_role("link", name=link).click()
        browser.check()
        expect(page.get_by_role("heading", level=1)).to_contain_text(link.split()[0])
    page = browser.visit("/no-such-page/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Page not found")


def test_site_lead_signs_in_sees_only_their_organisation_and_signs_out(browser: Browser) -> None:
    own = MembershipFactory(role="site_lead", user__email="lead@hartwell.test", organisation__name="Hartwell")
    MembershipFactory(role="site_lead", organisation__name="Elsewhere County")
    sign_in(browser, "lead@hartwell.test")
    page = browser.page
    expect(page.get_by_role("heading", level=1)).to_have_text("Hartwell")
    expect(page.get_by_text("Elsewhere County")).to_have_count(0)
    page.get_by_role("link", name=f"View {own.organisation.name}").click()
    browser.check()
    expect(page.get_by_role("button", name="Invite someone")).to_have_count(0)
    expect(page.get_by_role("link", name="Invite someone")).to_be_visible()
    page.get_by_role("button", name="Sign out").click()
    browser.check()
    expect(page.get_by_text("You have signed out")).to_be_visible()


def test_wrong_password_shows_the_error_summary_and_keeps_the_email(browser: Browser) -> None:
    UserFactory(email="someone@example.org")
    sign_in(browser, "someone@example.org", password="not-the-password")
    page = browser.page
    expect(page.get_by_role("alert")).to_contain_text("Enter a correct email address and password")
    expect(page.get_by_label("Email address")).to_have_value("someone@example.org")
    expect(page).to_have_title(re.compile("^Error: "))


def test_programme_manager_needs_a_code_invites_a_site_lead_who_accepts(browser: Browser) -> None:
    manager = UserFactory(email="pm@pine.test", full_name="Pat Manager", programme_role="programme_manager")
    device = TOTPDevice.objects.create(user=manager, name="app", confirmed=True)
    OrganisationFactory(name="Northshire County Council")
    sign_in(browser, "pm@pine.test")
    page = browser.page
    expect(page.get_by_role("heading", level=1)).to_have_text("Enter the code from your authenticator app")
    page.get_by_label("Code from your authenticator app").fill(code_for(device))
    page.get_by_role("button", name="Continue").click()
    browser.check()
    expect(page.get_by_role("heading", level=1)).to_have_text("Programme")

    page.get_by_role("link", name="Northshire County Council").click()
    browser.check()
    page.get_by_role("link", name="Invite someone").click()
    browser.check()
    page.get_by_role("button", name="Send invitation").click()
    browser.check()
    expect(page.get_by_role("alert")).to_contain_text("Enter the person's full name")
    page.get_by_label("Full name").fill("Sam Lead")
    page.get_by_label("Email address").fill("Sam.Lead@Northshire.test")
    page.get_by_label("Site lead").check()
    page.get_by_role("button", name="Send invitation").click()
    browser.check()
    expect(page.get_by_text("An invitation has been sent to sam.lead@northshire.test")).to_be_visible()
    expect(page.get_by_role("cell", name=re.compile("Sam Lead"))).to_be_visible()

    page.get_by_role("link", name="Audit log").click()
    browser.check()
    expect(page.get_by_role("cell", name="Invited")).to_be_visible()
    page.get_by_role("button", name="Sign out").click()
    browser.check()

    link = re.search(r"http://\S+/join/\S+/", mail.outbox[-1].body)
    assert link is not None
    path = "/" + link.group(0).split("/", 3)[3]
    page = browser.visit(path)
    expect(page.get_by_text("Site lead at Northshire County Council")).to_be_visible()
    page.get_by_label("Create a password").fill("correct horse battery staple")
    page.get_by_label("Confirm your password").fill("correct horse battery stapler")
    page.get_by_role("button", name="Create account").click()
    browser.check()
    expect(page.get_by_role("alert")).to_contain_text("The passwords do not match")
    expect(page.get_by_label("Full name")).to_have_value("Sam Lead")
    page.get_by_label("Phone number (optional)").fill("01632 960 001")
    page.get_by_label("Create a password").fill("correct horse battery staple")
    page.get_by_label("Confirm your password").fill("correct horse battery staple")
    page.get_by_role("button", name="Create account").click()
    browser.check()
    expect(page.get_by_text("You have joined as Site lead at Northshire County Council")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_have_text("Northshire County Council")
    lead = User.objects.get(email="sam.lead@northshire.test")
    assert lead.phone == "01632 960 001"
    assert Membership.objects.get(user=lead).role == "site_lead"

    # The link works once.
    page = browser.visit(path)
    expect(page.get_by_role("heading", level=1)).to_have_text("You cannot use this invitation")


def test_new_programme_staff_must_set_up_an_authenticator_first(browser: Browser) -> None:
    UserFactory(email="adviser@pine.test", programme_role="research_adviser")
    sign_in(browser, "adviser@pine.test")
    page = browser.page
    expect(page.get_by_role("heading", level=1)).to_have_text("Set up two-factor authentication")
    page = browser.visit("/team/organisations/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Set up two-factor authentication")
    device = TOTPDevice.objects.get(user__email="adviser@pine.test")
    secret = page.locator("#totp-secret").inner_text().replace(" ", "")
    assert secret  # shown to type in when the QR code cannot be scanned
    page.get_by_label("Code from your authenticator app").fill("000000" if code_for(device) != "000000" else "111111")
    page.get_by_role("button", name="Continue").click()
    browser.check()
    expect(page.get_by_role("alert")).to_contain_text("The code is not correct")
    page.wait_for_timeout(1100)  # django-otp refuses any code for a second after a wrong one
    page.get_by_label("Code from your authenticator app").fill(code_for(device))
    page.get_by_role("button", name="Continue").click()
    browser.check()
    expect(page.get_by_text("Two-factor authentication is set up")).to_be_visible()
    page = browser.visit("/team/organisations/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Organisations")
    assert AuditEvent.objects.filter(action=AuditAction.TWO_FACTOR_SET_UP).count() == 1


def test_sign_in_and_forms_work_without_javascript(no_js_browser: Browser) -> None:
    MembershipFactory(role="site_member", user__email="member@hartwell.test", organisation__name="Hartwell")
    page = no_js_browser.visit("/sign-in/")
    page.get_by_label("Email address").fill("member@hartwell.test")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Hartwell")
    page.get_by_role("link", name="Your account").click()
    page.get_by_label("Phone number (optional)").fill("not a phone")
    page.get_by_role("button", name="Save details").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter a phone number")
    page.get_by_label("Phone number (optional)").fill("07700 900 982")
    page.get_by_role("button", name="Save details").click()
    expect(page.get_by_text("Your details have been saved")).to_be_visible()
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_text("You have signed out")).to_be_visible()


def test_programme_manager_adds_an_organisation_then_deactivates_a_leaver(browser: Browser) -> None:
    manager = UserFactory(email="pm@pine.test", full_name="Pat Manager", programme_role="programme_manager")
    device = TOTPDevice.objects.create(user=manager, name="app", confirmed=True)
    leaver = MembershipFactory(role="site_member", user__full_name="Lee Leaver").user
    sign_in(browser, "pm@pine.test")
    page = browser.page
    page.get_by_label("Code from your authenticator app").fill(code_for(device))
    page.get_by_role("button", name="Continue").click()
    browser.check()
    page.get_by_role("link", name="Add an organisation").first.click()
    browser.check()
    page.get_by_role("button", name="Add organisation").click()
    browser.check()
    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("Enter the organisation's name")
    summary.get_by_role("link", name="Select the type of organisation").click()
    expect(page.get_by_label("Local authority")).to_be_focused()
    page.get_by_label("Organisation name").fill("Westmoor NHS Trust")
    page.get_by_label("NHS trust").check()
    page.get_by_label("Region").select_option(label="South West")
    page.get_by_role("button", name="Add organisation").click()
    browser.check()
    expect(page.get_by_role("heading", level=1)).to_have_text("Westmoor NHS Trust")
    expect(page.get_by_text("NHS trust, South West")).to_be_visible()

    page.get_by_role("link", name="People").click()
    browser.check()
    page.get_by_role("link", name="Lee Leaver").click()
    browser.check()
    page.get_by_role("button", name="Deactivate account").click()
    browser.check()
    expect(page.get_by_text("Lee Leaver can no longer sign in")).to_be_visible()
    leaver.refresh_from_db()
    assert leaver.is_active is False
