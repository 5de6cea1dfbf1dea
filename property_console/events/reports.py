"""Aggregates for the dashboard and the reports page, bucketed in the community's local time."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from property_console.events import presence
from property_console.events.localtime import day_start, local, today
from property_console.models import Alarm, Device, Event, utcnow
from property_console.models.access import VisitorPass

PASS_KINDS = (
    "door_pass",
    "door_refused",
    "vehicle_pass",
    "vehicle_pending",
    "vehicle_refused",
    "visitor_pass",
)


def today_summary(session: Session, tz: ZoneInfo) -> dict[str, Any]:
    """Today's event counts by kind, open alarms, and devices by status."""
    start = day_start(tz, today(tz))
    kinds = session.execute(
        select(Event.kind, func.count()).where(Event.device_time >= start).group_by(Event.kind)
    ).all()
    open_alarms = session.execute(select(func.count()).where(Alarm.status != "handled")).scalar_one()
    devices = session.execute(select(Device.status, func.count()).group_by(Device.status)).all()
    return {
        "date": today(tz).isoformat(),
        "events": {k: int(n) for k, n in kinds},
        "open_alarms": int(open_alarms),
        "devices": {s: int(n) for s, n in devices},
    }


def passes(session: Session, tz: ZoneInfo, days: int) -> dict[str, Any]:
    """Passes per local hour (today) and per local day (the last `days` days), by kind."""
    first = today(tz) - dt.timedelta(days=days - 1)
    rows = session.execute(
        select(Event.kind, Event.device_time).where(
            Event.kind.in_(PASS_KINDS), Event.device_time >= day_start(tz, first)
        )
    ).all()
    dates = [(first + dt.timedelta(days=i)).isoformat() for i in range(days)]
    daily: dict[str, Counter[str]] = {d: Counter() for d in dates}
    hourly: list[Counter[str]] = [Counter() for _ in range(24)]
    now_day = today(tz)
    for kind, when in rows:
        at = local(when, tz)
        if at.date().isoformat() in daily:
            daily[at.date().isoformat()][kind] += 1
        if at.date() == now_day:
            hourly[at.hour][kind] += 1
    return {
        "kinds": list(PASS_KINDS),
        "days": [{"date": d, **{k: daily[d][k] for k in PASS_KINDS}} for d in dates],
        "hours": [{"hour": h, **{k: hourly[h][k] for k in PASS_KINDS}} for h in range(24)],
    }


def alarms(session: Session, tz: ZoneInfo, days: int) -> dict[str, Any]:
    """Alarms raised in the last `days` days by kind, by zone, and by disposition (open ones as such)."""
    since = day_start(tz, today(tz) - dt.timedelta(days=days - 1))
    rows = session.execute(select(Alarm).where(Alarm.raised_at >= since)).scalars().all()
    by_kind = Counter(a.kind for a in rows)
    by_zone = Counter(str(a.detail.get("zone") or "—") for a in rows)
    by_disposition = Counter(a.disposition or a.status for a in rows)
    return {
        "total": len(rows),
        "by_kind": dict(by_kind.most_common()),
        "by_zone": dict(by_zone.most_common()),
        "by_disposition": dict(by_disposition.most_common()),
    }


def availability(session: Session, tz: ZoneInfo, days: int) -> list[dict[str, Any]]:
    """Share of the window each device was online, from its presence intervals (events/presence.py)."""
    start = day_start(tz, today(tz) - dt.timedelta(days=days - 1))
    end = utcnow()
    out = []
    for device in session.execute(select(Device).order_by(Device.kind, Device.name)).scalars():
        spans = presence.intervals(session, device.serial, start)
        share = presence.online_share(spans, start, end)
        out.append(
            {
                "serial": device.serial,
                "name": device.name,
                "kind": device.kind,
                "status": device.status,
                "availability": None if share is None else round(share, 4),
                "offline_events": presence.offline_count(spans, start),
            }
        )
    return out


def visitors(session: Session, tz: ZoneInfo, days: int) -> dict[str, Any]:
    """Visitor passes through doors and invitations issued, per local day of the last `days` days."""
    first = today(tz) - dt.timedelta(days=days - 1)
    since = day_start(tz, first)
    visits = Counter(
        local(t, tz).date().isoformat()
        for (t,) in session.execute(
            select(Event.device_time).where(Event.kind == "visitor_pass", Event.device_time >= since)
        )
    )
    issued = Counter(
        local(t, tz).date().isoformat()
        for (t,) in session.execute(select(VisitorPass.created_at).where(VisitorPass.created_at >= since))
    )
    dates = [(first + dt.timedelta(days=i)).isoformat() for i in range(days)]
    return {
        "days": [{"date": d, "visits": visits[d], "invitations": issued[d]} for d in dates],
        "visits": sum(visits[d] for d in dates),
        "invitations": sum(issued[d] for d in dates),
    }


SECTIONS: dict[str, Callable[[Session, ZoneInfo, int], Any]] = {
    "passes": passes,
    "alarms": alarms,
    "devices": availability,
    "visitors": visitors,
}


def bundle(
    session: Session, tz: ZoneInfo, days: int, progress: Callable[[int, int], None] | None = None
) -> dict[str, Any]:
    """Every report section for one period (what the reports page shows and the exports contain)."""
    out: dict[str, Any] = {"days": days, "date": today(tz).isoformat()}
    for i, (name, section) in enumerate(SECTIONS.items(), 1):
        out[name] = section(session, tz, days)
        if progress:
            progress(i, len(SECTIONS))
    return out
