"""Every page of the service, as each kind of person sees it, passes axe-core in Chromium, reflows at 320 px
without the page scrolling sideways, and shows no internal codes (snake_case statuses, `[method]` keys,
`app.Model` names) in its text.

The pages come from the same URL walk as the permission test, so a new page is checked here as soon as it
exists; each role visits every page it may see (answers 200).
"""

from __future__ import annotations

import pytest
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from pine.accounts.models import User
from pine.core import audit
from pine.core.models import AuditAction
from pine.core.selectors import AUDIT_PAGE_SIZE
from pine.guidance import pages
from tests.browser.conftest import Browser
from tests.browser.test_journeys import code_for
from tests.conftest import World
from tests.core.test_url_permissions import EXPECTED, all_patterns, sample_url
from tests.factories import PASSWORD

# JSON, CSV, XLSX and calendar files are downloads, not pages.
NOT_PAGES = {"core:healthz", "core:audit-export", "intake:export", "journey:checkpoint-calendar"}
# The theory of change's and the plan's downloads (SVG, PNG, DOCX, PDF).
NOT_PAGES |= {f"modelling:{name}" for name in ("toc-svg", "toc-png", "toc-docx", "toc-pdf", "plan-docx", "plan-pdf")}
NOT_PAGES |= {
    "collection:wave-links",
    "collection:export-file",
    "collection:export-dictionary",
    "api:openapi-json",
}


def sign_in(browser: Browser, user: User) -> None:
    page = browser.page
    browser.visit("/sign-in/")
    page.get_by_label("Email address").fill(user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is not None:
        page.get_by_label("Code from your authenticator app").fill(code_for(device))
        page.get_by_role("button", name="Continue").click()
    browser.check()


@pytest.mark.parametrize("role", ["anonymous", "programme_manager", "research_adviser", "site_lead", "dpo"])
def test_every_page_a_role_can_see_passes_axe(role: str, world: World, browser: Browser) -> None:
    """Each page a role may see has no axe violation, no sideways scroll at 320 px and no internal words."""
    if role != "anonymous":
        sign_in(browser, world.users[role])
    visited = []
    overflowing: dict[str, list[str]] = {}
    codes: dict[str, list[str]] = {}
    for name, pattern in all_patterns():
        if EXPECTED[name][role] != 200 or name in NOT_PAGES:
            continue
        url = sample_url(name, pattern, world)
        browser.visit(url)
        visited.append(name)
        if problems := browser.horizontal_overflow(320):
            overflowing[url] = problems
        if words := browser.internal_words():
            codes[url] = words
    if role == "anonymous":
        # The URL walk samples one guidance page; their tables differ, so each is checked at 320 px.
        for guidance in pages.all_pages():
            browser.visit(reverse("guidance:page", kwargs={"slug": guidance.slug}))
            if problems := browser.horizontal_overflow(320):
                overflowing[guidance.slug] = problems
    assert len(visited) >= 8
    assert overflowing == {}, f"pages that scroll sideways at 320 px: {overflowing}"
    assert codes == {}, f"internal words shown to people: {codes}"


def test_a_long_audit_log_pages_accessibly(world: World, browser: Browser) -> None:
    """The audit log's pagination passes axe (its 'Page 2 of 2' was dark text on blue) and reflows at 320 px."""
    for number in range(AUDIT_PAGE_SIZE + 5):
        audit.record(action=AuditAction.EXPORTED, obj=world.project, changes={"export": ["", f"file {number}"]})
    sign_in(browser, world.users["programme_manager"])
    for url in ("/team/audit/", "/team/audit/?page=2"):
        page = browser.visit(url)
        assert page.get_by_role("navigation", name="Pages").is_visible()
        assert browser.horizontal_overflow(320) == []
        assert browser.internal_words() == []
