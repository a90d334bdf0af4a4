"""A refused request is logged once, as one line."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from _pytest.logging import LogCaptureHandler
from django.urls import reverse


def _handlers_reached_from(name: str) -> list[logging.Handler]:
    """The handlers a record logged to `name` is written by, as logging's propagation walks up to root."""
    found: list[logging.Handler] = []
    logger: logging.Logger | None = logging.getLogger(name)
    while logger is not None:
        found += [h for h in logger.handlers if not isinstance(h, LogCaptureHandler)]
        logger = logger.parent if logger.propagate else None
    return found


def test_permission_denied_logs_one_line_without_traceback(
    world: Any, client_as: Any, caplog: pytest.LogCaptureFixture
) -> None:
    """A 403 writes a single warning line from django.request, with no traceback attached."""
    client = client_as("site_lead")
    with caplog.at_level(logging.INFO, logger="django.request"):
        response = client.get(reverse("core:audit-log"))
    assert response.status_code == 403
    records = [r for r in caplog.records if r.name == "django.request"]
    assert len(records) == 1
    assert records[0].levelname == "WARNING"
    assert records[0].exc_info is None
    assert "Traceback" not in caplog.text
    assert "\n" not in records[0].getMessage()


@pytest.mark.parametrize("debug", [True, False])
def test_django_records_are_written_by_one_handler(debug: bool, settings: Any) -> None:
    """Django's default console handler is replaced, so its records are not written twice (in DEBUG too)."""
    settings.DEBUG = debug
    from django.utils.log import configure_logging

    configure_logging(settings.LOGGING_CONFIG, settings.LOGGING)
    assert len(_handlers_reached_from("django.request")) == 1
