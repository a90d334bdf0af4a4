"""PINE's one rate limiter: exact counts in a shared table, windows that end, plain-English waits, no keys kept."""

from __future__ import annotations

import datetime as dt
import os
import threading
from typing import Any

import pytest
from django.db import connection
from django.db.models import F

from pine.core import ratelimit
from pine.core.models import RateCounter

LIMIT = ratelimit.Limit("test-limit", count=3, window=dt.timedelta(minutes=10))


@pytest.mark.django_db
def test_hit_allows_the_limit_then_refuses_until_the_window_ends() -> None:
    """Three hits pass, the fourth is refused with a wait within the window; a new window starts afresh."""
    verdicts = [ratelimit.hit(LIMIT, key="192.0.2.1") for _ in range(4)]
    assert [v.allowed for v in verdicts] == [True, True, True, False]
    assert 0 < verdicts[-1].retry_after <= 600
    assert not ratelimit.check(LIMIT, key="192.0.2.1").allowed
    assert ratelimit.check(LIMIT, key="192.0.2.2").allowed
    RateCounter.objects.update(window_start=F("window_start") - dt.timedelta(minutes=10))
    assert ratelimit.hit(LIMIT, key="192.0.2.1").allowed


@pytest.mark.django_db
def test_check_does_not_count_and_reset_forgets() -> None:
    """check() only looks; reset() clears a key's counts."""
    for _ in range(5):
        assert ratelimit.check(LIMIT, key="k").allowed
    for _ in range(3):
        ratelimit.hit(LIMIT, key="k")
    assert not ratelimit.check(LIMIT, key="k").allowed
    ratelimit.reset(LIMIT, key="k")
    assert ratelimit.check(LIMIT, key="k").allowed


@pytest.mark.django_db
def test_keys_are_kept_only_as_keyed_hashes_and_ended_windows_are_deleted() -> None:
    """No address or email is stored; rows of windows that ended go when a new window starts."""
    ratelimit.hit(LIMIT, key="Person@Example.org")
    row = RateCounter.objects.get()
    assert "example" not in row.key_hash.lower() and len(row.key_hash) == 64
    RateCounter.objects.update(
        window_start=F("window_start") - dt.timedelta(hours=1), expires_at=F("expires_at") - dt.timedelta(hours=1)
    )
    ratelimit.hit(LIMIT, key="someone-else")
    assert RateCounter.objects.count() == 1


@pytest.mark.django_db
def test_the_count_can_be_changed_in_settings(settings: Any) -> None:
    """PINE_RATE_LIMITS overrides a limit's count by its scope."""
    settings.PINE_RATE_LIMITS = {"test-limit": 1}
    assert ratelimit.hit(LIMIT, key="k").allowed
    assert not ratelimit.hit(LIMIT, key="k").allowed


@pytest.mark.parametrize(
    ("seconds", "text"),
    [(1, "in 1 second"), (45, "in 45 seconds"), (90, "in 2 minutes"), (1800, "in 30 minutes"), (7300, "in 3 hours")],
)
def test_the_wait_is_said_in_plain_english(seconds: int, text: str) -> None:
    """Verdict.wait turns seconds into words a person reads."""
    assert ratelimit.Verdict(allowed=False, hits=9, retry_after=seconds).wait == text


@pytest.mark.skipif(not os.environ.get("DATABASE_URL", "").startswith("postgres"), reason="needs PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_concurrent_hits_from_many_connections_are_all_counted() -> None:
    """On PostgreSQL, 16 simultaneous first hits (racing to create the row) count exactly 16."""
    limit = ratelimit.Limit("race", count=1000, window=dt.timedelta(hours=1))
    barrier = threading.Barrier(16)

    def worker() -> None:
        try:
            barrier.wait()
            ratelimit.hit(limit, key="same")
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert RateCounter.objects.get(scope="race").hits == 16
