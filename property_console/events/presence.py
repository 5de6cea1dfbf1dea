"""Presence intervals: record a device's online/offline transitions and compute its availability from them.

A transition closes the device's open interval and opens the next one, moves the device's status (whatever its
last-seen time says: a device whose clock runs ahead must still go offline), and is stored as a device_online /
device_offline event for the timeline. The same state again (a heartbeat, a retained state after a restart)
changes nothing. Times are aware UTC and never run backwards within one device.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from property_console.events.broadcast import publish_after_commit
from property_console.events.ingest import device_message, ingest
from property_console.events.localtime import as_utc
from property_console.models import Device
from property_console.models.presence import PresenceInterval

TRANSITION_NS = uuid.UUID("6b1f3a8e-52c4-4d1e-9a7b-0c2e4f6a8d13")
Interval = tuple[bool, dt.datetime, dt.datetime | None]  # online, started, ended (None: still lasting)


def open_interval(session: Session, serial: str) -> PresenceInterval | None:
    """The device's current interval, if any."""
    stmt = (
        select(PresenceInterval)
        .where(PresenceInterval.device_serial == serial, PresenceInterval.ended_at.is_(None))
        .order_by(PresenceInterval.started_at.desc(), PresenceInterval.id.desc())
        .limit(1)
    )
    return session.execute(stmt).scalar_one_or_none()


def record(session: Session, serial: str, online: bool, at: dt.datetime, reason: str) -> bool:
    """Record that `serial` is online/offline from `at` (aware); False when that is already its state."""
    current = open_interval(session, serial)
    if current is not None and current.online == online:
        return False
    if current is not None:
        at = max(as_utc(at), as_utc(current.started_at))
        current.ended_at = at
        session.flush()  # closed before the next one opens: one open interval per device (unique index)
    session.add(PresenceInterval(device_serial=serial, online=online, started_at=at, reason=reason[:32]))
    _timeline_event(session, serial, online, at, reason)
    _set_status(session, serial, "online" if online else "offline")
    return True


def _timeline_event(session: Session, serial: str, online: bool, at: dt.datetime, reason: str) -> None:
    kind = "device_online" if online else "device_offline"
    ingest(
        session,
        {
            "id": str(uuid.uuid5(TRANSITION_NS, f"{serial}|{online}|{at.isoformat()}")),
            "kind": kind,
            "device_serial": serial,
            "device_time": at.isoformat(),
            "detail": {"reason": reason},
        },
        source="presence",
    )


def _set_status(session: Session, serial: str, status: str) -> None:
    stmt = (
        update(Device)
        .where(Device.serial == serial, or_(Device.status.is_(None), Device.status != status))
        .values(status=status)
        .returning(Device.id, Device.serial, Device.name, Device.status, Device.last_seen_at)
        .execution_options(synchronize_session=False)
    )
    row = session.execute(stmt).one_or_none()
    if row is not None:
        publish_after_commit(session, device_message(dict(row._mapping)))


def intervals(session: Session, serial: str, since: dt.datetime) -> list[Interval]:
    """The device's intervals that end after `since` (or still last), oldest first, in aware UTC."""
    stmt = (
        select(PresenceInterval.online, PresenceInterval.started_at, PresenceInterval.ended_at)
        .where(PresenceInterval.device_serial == serial)
        .where(or_(PresenceInterval.ended_at.is_(None), PresenceInterval.ended_at > since))
        .order_by(PresenceInterval.started_at, PresenceInterval.id)
    )
    return [(on, as_utc(s), as_utc(e) if e else None) for on, s, e in session.execute(stmt)]


def online_share(spans: Iterable[Interval], start: dt.datetime, end: dt.datetime) -> float | None:
    """Online time over known time within [start, end]; None when no interval covers any of it.

    Time before a device's first interval is unknown, not offline: a device added on Wednesday is not 60 %
    unavailable over the week.
    """
    known = up = 0.0
    for online, began, ended in spans:
        lo, hi = max(began, start), min(ended or end, end)
        if hi <= lo:
            continue
        seconds = (hi - lo).total_seconds()
        known += seconds
        up += seconds if online else 0.0
    return up / known if known > 0 else None


def offline_count(spans: Iterable[Interval], start: dt.datetime) -> int:
    """How many times the device went offline at or after `start`."""
    return sum(1 for online, began, _e in spans if not online and began >= start)
