"""Browser journeys: Playwright driving Debian's Chromium (/usr/bin/chromium, never a downloaded browser).

Every page a journey visits goes through `Browser.check`, which fails on console errors (including any
Content-Security-Policy violation), on serious or critical axe-core accessibility violations, and on content
outside a landmark (axe's "region" rule).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, sync_playwright

# Playwright's sync API runs an event loop in this thread; the ORM calls the tests make are still synchronous.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("PINE_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
_axe = Axe()
# Moderate in axe's scale, yet content outside every landmark is lost to people who move by landmark.
ALWAYS_FAIL = {"region"}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def chromium() -> Iterator[Any]:
    if not shutil.which(CHROMIUM) and not os.path.exists(CHROMIUM):
        pytest.fail(f"Chromium is not installed at {CHROMIUM}: run `apt-get install chromium` (CI does).")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


class Browser:
    """One person's browser tab, with the checks every page must pass."""

    def __init__(self, page: Page, base_url: str, *, axe: bool = True) -> None:
        self.page = page
        self.axe = axe
        self.base_url = base_url
        self.problems: list[str] = []
        page.on("console", lambda message: self._console(message))
        page.on("pageerror", lambda error: self.problems.append(f"page error: {error}"))
        page.on("response", lambda response: self._response(response))

    def _console(self, message: Any) -> None:
        # A page answering 404 on purpose logs "Failed to load resource"; broken subresources are caught
        # from their responses instead.
        if message.type == "error" and not message.text.startswith("Failed to load resource"):
            self.problems.append(f"console error on {self.page.url}: {message.text}")

    def _response(self, response: Any) -> None:
        if response.status >= 400 and response.request.resource_type != "document":
            self.problems.append(f"{response.status} for {response.url} on {self.page.url}")

    def visit(self, path: str) -> Page:
        self.page.goto(self.base_url + path)
        self.check()
        return self.page

    def check(self) -> None:
        """The page now shown has no console errors, no serious or critical accessibility violations and no
        content outside a landmark."""
        self.page.wait_for_load_state("load")
        assert self.problems == [], self.problems
        if not self.axe:
            return
        results = _axe.run(self.page)
        serious = [
            f"{v['id']} ({v['impact']}): {v['help']} – {[n['target'] for n in v['nodes']][:3]}"
            for v in results.response["violations"]
            if v["impact"] in {"serious", "critical"} or v["id"] in ALWAYS_FAIL
        ]
        assert serious == [], f"axe-core on {self.page.url}: {serious}"

    def horizontal_overflow(self, width: int = 320) -> list[str]:
        """At `width` CSS pixels, what sticks out so far that the whole page scrolls sideways (empty if nothing).

        WCAG 1.4.10 (reflow): content works at 320 px with no scrolling in two directions; a wide table may
        scroll inside its own focusable region, but the page itself must not."""
        size = self.page.viewport_size
        self.page.set_viewport_size({"width": width, "height": 800})
        try:
            return self.page.evaluate(_OVERFLOW_JS)
        finally:
            if size is not None:
                self.page.set_viewport_size(size)

    def internal_words(self) -> list[str]:
        """Words on the page a person should never read: snake_case codes, `[method]` keys, `app.Model` names."""
        return self.page.evaluate(_INTERNAL_WORDS_JS)


_OVERFLOW_JS = """() => {
  const root = document.documentElement;
  if (root.scrollWidth <= root.clientWidth) return [];
  const limit = root.clientWidth + 1;
  const clipped = (element) => {
    for (let up = element.parentElement; up && up !== document.body; up = up.parentElement) {
      if (getComputedStyle(up).overflowX !== "visible") return true;
    }
    return false;
  };
  const wide = new Set([...document.body.querySelectorAll("*")].filter(
    (element) => element.getBoundingClientRect().right > limit && !clipped(element)));
  // Report the innermost elements only: a child sticking out makes its parents stick out too.
  const culprits = [...wide].filter((element) => ![...element.children].some((child) => wide.has(child)));
  const describe = (e) => `${e.tagName.toLowerCase()}.${[...e.classList].join(".")} `
    + `"${e.textContent.trim().slice(0, 40)}" ends at ${Math.round(e.getBoundingClientRect().right)}px`;
  const summary = `page is ${root.scrollWidth}px wide in a ${root.clientWidth}px window`;
  return [summary, ...culprits.slice(0, 5).map(describe)];
}"""

# Code, file names and the API's field names are meant to be read literally: mark them with <code> or
# `data-literal`.
_INTERNAL_WORDS_JS = r"""() => {
  const skip = "code, pre, kbd, samp, script, style, textarea, noscript, [data-literal]";
  const patterns = [/\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b/, /\[[a-z_]+\]/, /\b[a-z]+\.[A-Z][A-Za-z]+\b/];
  const found = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    if (node.parentElement.closest(skip)) continue;
    for (const word of node.textContent.split(/\s+/)) {
      // Email addresses, web addresses and file names may hold underscores and dots; $placeholders are typed.
      if (/^\$|[@\/]|\.(csv|xlsx|sav|json|docx|pdf|png|svg|ics|qdpx)\b/i.test(word)) continue;
      if (patterns.some((pattern) => pattern.test(word))) found.push(word);
    }
  }
  return [...new Set(found)];
}"""


@pytest.fixture
def browser(chromium: Any, live_server: Any) -> Iterator[Browser]:
    context = chromium.new_context(base_url=live_server.url)
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield Browser(page, live_server.url)
    context.close()


@pytest.fixture
def no_js_browser(chromium: Any, live_server: Any) -> Iterator[Browser]:
    context = chromium.new_context(base_url=live_server.url, java_script_enabled=False)
    page = context.new_page()
    page.set_default_timeout(10_000)
    # axe-core is JavaScript, so it runs in the `browser` journeys; here we check the pages work without it.
    yield Browser(page, live_server.url, axe=False)
    context.close()
