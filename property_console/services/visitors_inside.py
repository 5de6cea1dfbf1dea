"""Who is inside now: visitors whose pass let them in and who have not been seen leaving.

Definition (2026-11-22), from what the devices report today:
- a pass counts once a granted `visitor_pass` event names it (face doors put `pass_id` in the detail, QR
  passes also send the subject `pass:<id>`) at or after the pass's `valid_from`;
- the visitor has left when a later event for the same pass carries `detail.direction` `exit`/`out`
  (exit readers; none report yet) — otherwise they are taken to be inside until the pass's window closes
  or it is revoked: the doors no longer let them in or out on it, so the count is an upper bound.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from property_console.events.localtime import as_utc
from property_console.models import Device, Event, utcnow
from property_console.models.access import VisitorPass

EXIT = frozenset({"exit", "out"})


def pass_of(event: Event) -> str | None:
    """The pass an event was let through on, if any."""
    found = (event.detail or {}).get("pass_id")
    if found:
        return str(found)
    if event.subject and event.subject.startswith("pass:"):
        return event.subject[5:]
    return None


def inside_now(session: Session, created_by: str | None = None) -> list[dict[str, Any]]:
    """Visitors inside now, newest entry first (`created_by`: only the invitations of that user)."""
    now = utcnow()
    stmt = select(VisitorPass).where(
        VisitorPass.valid_from <= now, VisitorPass.valid_to > now, VisitorPass.revoked_at.is_(None)
    )
    if created_by is not None:
        stmt = stmt.where(VisitorPass.created_by == created_by)
    passes = {str(p.id): p for p in session.execute(stmt).scalars()}
    if not passes:
        return []
    since = min(as_utc(p.valid_from) for p in passes.values())
    events = session.execute(
        select(Event)
        .where(Event.kind == "visitor_pass", Event.device_time >= since)
        .order_by(Event.device_time)
    ).scalars()
    last: dict[str, Event] = {}
    for event in events:
        pass_id = pass_of(event)
        if pass_id in passes and as_utc(event.device_time) >= as_utc(passes[pass_id].valid_from):
            last[pass_id] = event  # ordered by time: the last one decides in or out
    names = dict(session.execute(select(Device.serial, Device.name)).tuples().all())
    inside = [
        _row(passes[pid], event, names)
        for pid, event in last.items()
        if str((event.detail or {}).get("direction", "")).lower() not in EXIT
    ]
    return sorted(inside, key=lambda r: r["entered_at"], reverse=True)


def _row(v: VisitorPass, event: Event, names: dict[str, str]) -> dict[str, Any]:
    return {
        "pass_id": str(v.id),
        "visitor_name": v.visitor_name,
        "visitor_phone": v.visitor_phone,
        "host": v.created_by,
        "entered_at": as_utc(event.device_time).isoformat(),
        "door": event.device_serial,
        "door_name": names.get(event.device_serial, event.device_serial),
        "valid_to": as_utc(v.valid_to).isoformat(),
        "capture_url": f"/api/captures/{event.capture_sha256}" if event.capture_sha256 else None,
        "event_id": str(event.id),
    }
