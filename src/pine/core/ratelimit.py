"""PINE's one rate limiter: how often something may happen per key (an address, an account, an API key) in a
window of time. Every limit in PINE goes through it: proposals and "save and come back later" emails in intake,
wrong survey links, the API, and the per-account sign-in limit.

Why a table in our own database, not a cache or django-ratelimit: PINE runs many app servers behind a load
balancer that share one PostgreSQL and nothing else. Django's default cache (LocMem) lives in each process, so
a limit kept there is multiplied by the number of processes and forgotten on every restart. django-ratelimit
and ninja's throttles count in a cache; the only shared cache we could have without new infrastructure is
Django's DatabaseCache, whose `incr` is a read then a write, so concurrent requests overwrite each other's
counts and a burst slips through. Here a counter row per key and window is created once (a unique constraint
settles a race to create it) and increased with `UPDATE … SET hits = hits + 1`, which the database makes
atomic (a row lock in PostgreSQL, the write lock in SQLite): no count is lost, whatever the number of servers.

Windows are fixed (they start at multiples of their length), which keeps one row per key and window and gives
an exact "try again in" time. The price: up to twice a limit can pass in a short time across a window's end.
Counting in a transaction that then rolls back loses the count with it, so callers count outside theirs.

Keys are stored only as keyed hashes (`crypto.blind_index`, case-folded), and rows are deleted soon after
their window ends, so the table holds no address or email and nothing for long.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from pine.core import crypto
from pine.core.models import RateCounter


@dataclass(frozen=True)
class Limit:
    """At most `count` times per `window`; `settings.PINE_RATE_LIMITS[scope]` overrides the count."""

    scope: str
    count: int
    window: dt.timedelta

    @property
    def allowed(self) -> int:
        return int(getattr(settings, "PINE_RATE_LIMITS", {}).get(self.scope, self.count))


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    hits: int
    retry_after: int  # whole seconds until the window ends and counting starts again

    @property
    def wait(self) -> str:
        """When to try again, in plain English: "in 12 minutes", "in 40 seconds"."""
        if self.retry_after >= 90:
            minutes = math.ceil(self.retry_after / 60)
            if minutes >= 120:
                hours = math.ceil(minutes / 60)
                return f"in {hours} hours"
            return f"in {minutes} minutes"
        seconds = max(self.retry_after, 1)
        return "in 1 second" if seconds == 1 else f"in {seconds} seconds"


def _window(limit: Limit) -> tuple[dt.datetime, dt.datetime, int]:
    now = timezone.now()
    length = max(int(limit.window.total_seconds()), 1)
    start_ts = math.floor(now.timestamp() / length) * length
    start = dt.datetime.fromtimestamp(start_ts, tz=dt.UTC)
    end = start + dt.timedelta(seconds=length)
    return start, end, max(math.ceil((end - now).total_seconds()), 1)


def _key_hash(limit: Limit, key: str) -> str:
    return crypto.blind_index(f"{limit.scope}:{key}")


def check(limit: Limit, *, key: str) -> Verdict:
    """Whether one more would be allowed now, without counting it (for limits that count only failures)."""
    start, _end, retry_after = _window(limit)
    hits = (
        RateCounter.objects.filter(scope=limit.scope, key_hash=_key_hash(limit, key), window_start=start)
        .values_list("hits", flat=True)
        .first()
    ) or 0
    allowed = hits < limit.allowed
    return Verdict(allowed=allowed, hits=hits, retry_after=0 if allowed else retry_after)


def hit(limit: Limit, *, key: str) -> Verdict:
    """Count one, and say whether it was within the limit (the count includes this one)."""
    start, end, retry_after = _window(limit)
    key_hash = _key_hash(limit, key)
    current = RateCounter.objects.filter(scope=limit.scope, key_hash=key_hash, window_start=start)
    if not current.update(hits=F("hits") + 1):
        try:
            with transaction.atomic():
                RateCounter.objects.create(
                    scope=limit.scope, key_hash=key_hash, window_start=start, expires_at=end, hits=1
                )
        except IntegrityError:
            current.update(hits=F("hits") + 1)  # another server created this window's row first
        # Once per key and window: a cheap moment to forget windows that have ended.
        RateCounter.objects.filter(expires_at__lt=timezone.now() - dt.timedelta(minutes=1)).delete()
    hits = current.values_list("hits", flat=True).first() or 0
    allowed = hits <= limit.allowed
    return Verdict(allowed=allowed, hits=hits, retry_after=0 if allowed else retry_after)


def reset(limit: Limit, *, key: str) -> None:
    """Forget what was counted for this key (for example after a password is reset)."""
    RateCounter.objects.filter(scope=limit.scope, key_hash=_key_hash(limit, key)).delete()
