"""Full resync of the 一标三实 records: one outbox row per record at its current version, flagged `resync`."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session, noload

from property_console.models.base import utcnow
from property_console.uplink.outbox import TRACKED, OutboxEntry, UplinkState, outbox_row

CHUNK = 1000


def enqueue_resync(db: Session) -> int:
    """Queue every record (alarms excluded) behind what is already pending; returns rows queued."""
    now, total = utcnow(), 0
    for model, kind in TRACKED.items():
        if kind == "alarm":
            continue
        last: Any = None
        while True:  # keyset pages: no open cursor while inserting on the same connection
            stmt = select(model).options(noload("*")).order_by(model.id).limit(CHUNK)
            if last is not None:
                stmt = stmt.where(model.id > last)
            page = list(db.execute(stmt).scalars())
            if not page:
                break
            db.execute(
                insert(OutboxEntry), [outbox_row(obj, kind, "upsert", now, resync=True) for obj in page]
            )
            total, last = total + len(page), page[-1].id
    return total


def resync_pending(db: Session) -> int:
    stmt = select(func.count()).where(OutboxEntry.status == "pending", OutboxEntry.resync.is_(True))
    return int(db.execute(stmt).scalar_one())


def get_state(db: Session, key: str) -> str | None:
    row = db.get(UplinkState, key)
    return row.value if row else None


def set_state(db: Session, key: str, value: str) -> None:
    row = db.get(UplinkState, key)
    if row is None:
        db.add(UplinkState(key=key, value=value))
    else:
        row.value = value
