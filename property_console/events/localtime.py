"""Local calendar for 'today' and report buckets (events are stored in UTC)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from property_console.models import utcnow


def zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


def as_utc(value: dt.datetime) -> dt.datetime:
    """SQLite returns naive datetimes for stored UTC values; make every value aware."""
    return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value.astimezone(dt.UTC)


def day_start(tz: ZoneInfo, day: dt.date) -> dt.datetime:
    """Midnight of a local day, in UTC."""
    return dt.datetime.combine(day, dt.time(), tz).astimezone(dt.UTC)


def today(tz: ZoneInfo) -> dt.date:
    return utcnow().astimezone(tz).date()


def local(value: dt.datetime, tz: ZoneInfo) -> dt.datetime:
    return as_utc(value).astimezone(tz)
