"""Relative times read as people say them: 'Today', 'Yesterday', '3 days ago' (not '3 minutes' of 'days')."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from pine.core.templatetags.pine_text import days_ago
from tests.conftest import World


@pytest.mark.parametrize(
    ("delta", "words"),
    [(dt.timedelta(minutes=3), "Today"), (dt.timedelta(days=1), "Yesterday"), (dt.timedelta(days=3), "3 days ago")],
)
def test_days_ago_counts_calendar_days(delta: dt.timedelta, words: str) -> None:
    """A moment is described by how many calendar days ago it was."""
    noon = timezone.localtime().replace(hour=12, minute=0)
    assert days_ago(noon - delta) == words


def test_days_ago_without_a_moment() -> None:
    """A project with no recorded activity says so, rather than showing 0."""
    assert days_ago(None) == "No activity yet"


def test_project_table_says_when_the_last_activity_was(world: World, client_as: Any) -> None:
    """The programme's project table has a 'Last activity' column in words, not 'Days since activity: 3 minutes'."""
    html = client_as("programme_manager").get(reverse("core:home")).content.decode()
    assert "Last activity" in html
    assert "Days since activity" not in html
    assert "minute" not in html
