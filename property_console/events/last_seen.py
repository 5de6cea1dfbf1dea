"""A device's last-seen time and status, moved by its newest event without taking part in optimistic locking.

One UPDATE per device and batch, after the events are stored, inside a savepoint: it never checks or bumps the
row's `version` (an operator's edit of the device row is not refused because events arrived meanwhile), only
ever moves `last_seen_at` forward (a replayed old event changes nothing), and a failure here is logged while the
events stay stored. Devices are updated in serial order, so two batches never wait on each other in a cycle.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any, cast

from sqlalchemy import Table, bindparam, or_, update
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from property_console.events.guard import statement_guard
from property_console.models import Device, utcnow

log = logging.getLogger(__name__)
DEVICES = cast(Table, Device.__table__)


_TOUCH = (
    update(DEVICES)
    .where(
        DEVICES.c.serial == bindparam("b_serial"),
        or_(DEVICES.c.last_seen_at.is_(None), DEVICES.c.last_seen_at <= bindparam("b_when")),
    )
    .values(last_seen_at=bindparam("b_when"), status=bindparam("b_status"), updated_at=bindparam("b_now"))
    .returning(DEVICES.c.id, DEVICES.c.serial, DEVICES.c.name, DEVICES.c.status, DEVICES.c.last_seen_at)
)


def newest_per_device(events: list[tuple[str, dt.datetime, str]]) -> dict[str, tuple[dt.datetime, str]]:
    """(serial, device_time, kind) → serial: (newest time, its kind); the later of equal times wins."""
    newest: dict[str, tuple[dt.datetime, str]] = {}
    for serial, when, kind in events:
        seen = newest.get(serial)
        if seen is None or when >= seen[0]:
            newest[serial] = (when, kind)
    return newest


def touch_devices(session: Session, events: list[tuple[str, dt.datetime, str]]) -> list[dict[str, Any]]:
    """Move each known device's last-seen time (UTC) and status; returns the devices that changed."""
    changed: list[dict[str, Any]] = []
    conn = session.connection()
    for serial, (when, kind) in sorted(newest_per_device(events).items()):
        status = "offline" if kind == "device_offline" else "online"
        values = {"b_serial": serial, "b_when": when, "b_status": status, "b_now": utcnow()}
        try:
            with statement_guard(conn):
                row = conn.execute(_TOUCH, values).one_or_none()
        except DBAPIError:  # the events are stored; only the device's last-seen time lags
            log.exception("device %s last-seen not updated / 设备最近在线时间未更新", serial)
            continue
        if row is not None:
            changed.append(dict(row._mapping))
    return changed
