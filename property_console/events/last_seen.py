"""A device's last-seen time and status, moved by its newest event without taking part in optimistic locking.

After the events are stored, inside a savepoint: it never checks or bumps the row's `version` (an operator's
edit of the device row is not refused because events arrived meanwhile), only ever moves `last_seen_at` forward
(a replayed old event changes nothing), and a failure here is logged while the events stay stored. Device rows
are locked in serial order, so two batches never wait on each other in a cycle. PostgreSQL: one statement for
every device of the batch (its rows locked first, in order, by a materialised CTE); SQLite: one UPDATE per
device (its writers queue anyway, and a statement costs no round trip there).
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any, cast

from sqlalchemy import Connection, Table, bindparam, or_, text, update
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from property_console.events.guard import statement_guard
from property_console.models import Device, utcnow
from sc_core import pg_batch

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
_PG_TOUCH = text(
    "WITH t AS MATERIALIZED (SELECT serial, last_seen_at AS b_when, status AS b_status FROM "
    + pg_batch.recordset(DEVICES, ("serial", "last_seen_at", "status"))
    + "), locked AS MATERIALIZED (SELECT d.id FROM devices d JOIN t ON d.serial = t.serial "
    "ORDER BY d.serial FOR UPDATE OF d) "
    "UPDATE devices SET last_seen_at = t.b_when, status = t.b_status, updated_at = :now "
    "FROM t, locked WHERE devices.id = locked.id AND devices.serial = t.serial "
    "AND (devices.last_seen_at IS NULL OR devices.last_seen_at <= t.b_when) "
    "RETURNING devices.id, devices.serial, devices.name, devices.status, devices.last_seen_at"
).columns(DEVICES.c.id, DEVICES.c.serial, DEVICES.c.name, DEVICES.c.status, DEVICES.c.last_seen_at)


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
    newest = sorted(newest_per_device(events).items())
    conn = session.connection()
    if conn.dialect.name == "postgresql":
        return _touch_all(conn, newest)
    changed: list[dict[str, Any]] = []
    for serial, (when, kind) in newest:
        values = {"b_serial": serial, "b_when": when, "b_status": _status(kind), "b_now": utcnow()}
        try:
            with statement_guard(conn):
                row = conn.execute(_TOUCH, values).one_or_none()
        except DBAPIError:  # the events are stored; only the device's last-seen time lags
            log.exception("device %s last-seen not updated / 设备最近在线时间未更新", serial)
            continue
        if row is not None:
            changed.append(dict(row._mapping))
    return changed


def _status(kind: str) -> str:
    return "offline" if kind == "device_offline" else "online"


def _touch_all(conn: Connection, newest: list[tuple[str, tuple[dt.datetime, str]]]) -> list[dict[str, Any]]:
    rows = [{"serial": s, "last_seen_at": when, "status": _status(kind)} for s, (when, kind) in newest]
    params = {"rows": pg_batch.json_rows(rows, ("serial", "last_seen_at", "status")), "now": utcnow()}
    try:
        with statement_guard(conn):
            found = conn.execute(_PG_TOUCH, params).all()
    except DBAPIError:  # the events are stored; only the devices' last-seen times lag
        log.exception(
            "devices %s last-seen not updated / 设备最近在线时间未更新", [r["serial"] for r in rows]
        )
        return []
    return sorted((dict(r._mapping) for r in found), key=lambda d: d["serial"])
