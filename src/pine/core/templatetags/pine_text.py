"""Template filters that put values into plain words."""

from __future__ import annotations

import datetime as dt

from django import template
from django.utils import timezone

register = template.Library()


@register.filter
def days_ago(moment: dt.datetime | dt.date | None) -> str:
    """'Today', 'Yesterday' or '3 days ago', counted in whole calendar days in the service's time zone."""
    if moment is None or moment == "":
        return "No activity yet"
    day = timezone.localdate(moment) if isinstance(moment, dt.datetime) else moment
    days = (timezone.localdate() - day).days
    if days <= 0:
        return "Today"
    if days == 1:
        return "Yesterday"
    return f"{days} days ago"
