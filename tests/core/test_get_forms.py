"""Forms sent by GET only look things up: none carries a CSRF token or a change to data."""

from __future__ import annotations

import re
from pathlib import Path

import pine

TEMPLATES = sorted(Path(pine.__file__).resolve().parent.glob("**/templates/**/*.html"))
FORM = re.compile(r"<form\b([^>]*)>(.*?)</form>", re.S | re.I)


def _get_forms() -> list[tuple[str, str]]:
    found = []
    for template in TEMPLATES:
        for attributes, body in FORM.findall(template.read_text(encoding="utf-8")):
            if not re.search(r'method\s*=\s*"post"', attributes, re.I):  # a form without a method is a GET
                found.append((str(template.relative_to(Path(pine.__file__).parent)), body))
    return found


def test_the_template_scan_finds_the_get_forms() -> None:
    """The scan sees the search and filter forms, so the checks below cannot pass by finding nothing."""
    names = {name for name, _ in _get_forms()}
    assert "modelling/templates/modelling/calculator.html" in names
    assert "intake/templates/intake/queue.html" in names


def test_no_form_sent_by_get_carries_a_csrf_token_or_a_reason_for_a_change() -> None:
    """A GET form puts its fields in the address: a CSRF token or a reason for a change there is a mistake."""
    for name, body in _get_forms():
        assert "csrf_token" not in body, name
        assert 'name="reason"' not in body and 'name="step"' not in body, name


def test_no_view_puts_posted_data_into_an_address() -> None:
    """Posted data (with its CSRF token) is never turned into a query string to redirect to."""
    sources = Path(pine.__file__).resolve().parent.glob("**/*.py")
    offenders = [str(path) for path in sources if "POST.urlencode" in path.read_text(encoding="utf-8")]
    assert offenders == []
