"""The one place where 一标三实 and alarm changes enter the outbox: a session after_flush hook.

Every flush that inserts, updates or deletes an Address, House, Person, Residency, Organisation, Vehicle or Alarm
adds an outbox row on the flush's own connection, so the row commits or rolls back with the change. Bulk
`update()`/`delete()` statements bypass the ORM and therefore this hook; the console does not use them on records.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import event, insert
from sqlalchemy.orm import Session, UOWTransaction

from property_console.db import ConsoleSession
from property_console.models.address import Address
from property_console.models.alarm import Alarm
from property_console.models.base import Record, utcnow
from property_console.models.house import House
from property_console.models.organisation import Organisation
from property_console.models.outbox import OutboxEntry
from property_console.models.person import Person
from property_console.models.residency import Residency
from property_console.models.vehicle import Vehicle
from property_console.uplink.snapshot import snapshot

TRACKED: dict[type[Record], str] = {
    Address: "address",
    House: "house",
    Person: "person",
    Residency: "residency",
    Organisation: "organisation",
    Vehicle: "vehicle",
    Alarm: "alarm",
}
RECORD_KINDS = tuple(k for k in TRACKED.values() if k != "alarm")


def outbox_row(obj: Any, kind: str, op: str, now: dt.datetime, *, resync: bool = False) -> dict[str, Any]:
    """The outbox values for one record version."""
    return {
        "kind": kind,
        "record_id": str(obj.id),
        "version": int(obj.version or 1),
        "op": op,
        "payload": snapshot(obj),
        "captures": [],
        "resync": resync,
        "created_at": now,
        "status": "pending",
        "attempts": 0,
    }


def _changes(session: Session) -> list[tuple[Any, str]]:
    found: list[tuple[Any, str]] = []
    for obj in session.new:
        if type(obj) in TRACKED:
            found.append((obj, "upsert"))
    for obj in session.dirty:
        if type(obj) in TRACKED and session.is_modified(obj, include_collections=False):
            found.append((obj, "upsert"))
    for obj in session.deleted:
        if type(obj) in TRACKED:
            found.append((obj, "delete"))
    return found


@event.listens_for(ConsoleSession, "after_flush")
def _record_changes(session: Session, _flush: UOWTransaction) -> None:
    """Write one outbox row per changed tracked record, in the flush's transaction."""
    changes = _changes(session)
    if not changes:
        return
    now = utcnow()
    rows = [outbox_row(obj, TRACKED[type(obj)], op, now) for obj, op in changes]
    session.connection().execute(insert(OutboxEntry), rows)
