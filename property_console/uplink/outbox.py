"""The uplink outbox, in one module: its tables, how rows get in, which are read for sending, and pruning.

- **Tables**: `OutboxEntry` (`uplink_outbox`: one row per record version or event to send, `seq` orders them),
  `UplinkState` (facts the delivery loop keeps across restarts), `UplinkSentDaily` (what pruning folded away).
- **In**: an `after_flush` hook on the console's sessions (`ConsoleSession`) adds a row for every insert, update
  or delete of an Address, House, Person, Residency, Organisation, Vehicle or Alarm, on the flush's own
  connection, so the row commits or rolls back with the change. Bulk `update()`/`delete()` statements bypass
  the ORM and therefore this hook; the console does not use them on records. Events (passes) are added by
  uplink/events.py in the ingest transaction; a full resync by uplink/resync.py with `outbox_row`.
- **Out**: `pending()` reads the oldest pending rows for the delivery loop (uplink/delivery.py `UplinkWorker`,
  which encodes them with uplink/batch.py and marks them acked or rejected).
- **Pruning**: `prune()` deletes acknowledged rows older than the retention, in batches, keeping a daily
  summary per kind. Only acked rows go: pending rows are the backlog, rejected rows wait for an operator. A pass
  row goes only once its captures were purged (uplink/captures.py works from its SHA-256 list). The rows of one
  batch are folded into `uplink_sent_daily` (UTC day of acknowledgement × kind: count, first and last send) and
  deleted in the same transaction, so the report's totals never change when rows are pruned.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, Date, DateTime, Index, Integer, String, delete, event, insert, or_, select
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Mapped, Session, UOWTransaction, mapped_column

from property_console.db import ConsoleSession
from property_console.models.address import Address
from property_console.models.alarm import Alarm
from property_console.models.base import Base, Record, utcnow
from property_console.models.house import House
from property_console.models.organisation import Organisation
from property_console.models.person import Person
from property_console.models.residency import Residency
from property_console.models.vehicle import Vehicle
from property_console.uplink.snapshot import snapshot
from property_console.uplink.viid import Item
from sc_core import pg_batch

PASS_KINDS = ("door_pass", "visitor_pass", "vehicle_pass")
STATUSES = ("pending", "acked", "rejected")


class OutboxEntry(Base):
    """A record version or event awaiting delivery; `seq` orders everything, per record and overall."""

    __tablename__ = "uplink_outbox"
    __table_args__ = (
        Index("ix_uplink_outbox_status_seq", "status", "seq"),
        Index("ix_uplink_outbox_record", "kind", "record_id"),
        {"sqlite_autoincrement": True},
    )

    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    kind: Mapped[str] = mapped_column(String(24))
    record_id: Mapped[str] = mapped_column(String(36))
    version: Mapped[int] = mapped_column(Integer, default=1)
    op: Mapped[str] = mapped_column(String(8), default="upsert")
    payload: Mapped[dict[str, object]] = mapped_column(JSON, default=dict)
    captures: Mapped[list[str]] = mapped_column(JSON, default=list)
    resync: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    status: Mapped[str] = mapped_column(String(10), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(String(500))
    sent_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    acked_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True), index=True)
    captures_purged_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))


class UplinkState(Base):
    """Small key/value facts the delivery loop keeps across restarts (resync token, last keepalive)."""

    __tablename__ = "uplink_state"

    key: Mapped[str] = mapped_column(String(32), primary_key=True)
    value: Mapped[str] = mapped_column(String(200))
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)


class UplinkSentDaily(Base):
    """What was acknowledged per UTC day and kind, kept when the outbox rows themselves are pruned."""

    __tablename__ = "uplink_sent_daily"

    day: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    kind: Mapped[str] = mapped_column(String(24), primary_key=True)
    acked: Mapped[int] = mapped_column(Integer, default=0)
    first_sent_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    last_sent_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))


# ---- in: the after_flush hook ----

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


ROW_COLUMNS = (
    "kind",
    "record_id",
    "version",
    "op",
    "payload",
    "captures",
    "resync",
    "created_at",
    "status",
    "attempts",
)
_PG_INSERT = pg_batch.insert_statement(OutboxEntry.__table__, ROW_COLUMNS)  # type: ignore[arg-type]


def insert_rows(conn: Connection, rows: list[dict[str, Any]]) -> None:
    """INSERT outbox rows (`outbox_row` / uplink.events.outbox_values) in one statement, `seq` in their order
    (PostgreSQL: one prepared statement with the rows as one JSON parameter, not one statement per row)."""
    if conn.dialect.name == "postgresql":
        conn.execute(_PG_INSERT, {"rows": pg_batch.json_rows(rows, ROW_COLUMNS)})
    elif rows:
        conn.execute(insert(OutboxEntry), rows)


# ---- out: what the delivery loop reads ----


def pending(db: Session, limit: int, after: int | None = None) -> list[Item]:
    """The oldest pending rows (with seq > `after`), in outbox order (which is per-record version order)."""
    o = OutboxEntry
    stmt = select(o.seq, o.kind, o.record_id, o.version, o.op, o.payload, o.resync, o.captures, o.created_at)
    stmt = stmt.where(o.status == "pending")
    if after is not None:
        stmt = stmt.where(o.seq > after)
    rows = db.execute(stmt.order_by(o.seq).limit(limit))  # plain rows: no ORM identity map to build
    return [Item(s, k, r, v, op, p, rs, tuple(c or ()), t) for s, k, r, v, op, p, rs, c, t in rows]


# ---- pruning ----


def _aware(t: dt.datetime) -> dt.datetime:
    return t if t.tzinfo else t.replace(tzinfo=dt.UTC)


def prune(db: Session, retention_days: float, limit: int = 1000) -> int:
    """Delete up to `limit` of the oldest prunable rows; returns how many (call again while it returns limit)."""
    cutoff = utcnow() - dt.timedelta(days=retention_days)
    rows = db.execute(
        select(OutboxEntry.seq, OutboxEntry.kind, OutboxEntry.acked_at, OutboxEntry.sent_at)
        .where(
            OutboxEntry.status == "acked",
            OutboxEntry.acked_at < cutoff,
            or_(OutboxEntry.kind.not_in(PASS_KINDS), OutboxEntry.captures_purged_at.is_not(None)),
        )
        .order_by(OutboxEntry.seq)
        .limit(limit)
    ).all()
    if not rows:
        return 0
    groups: dict[tuple[dt.date, str], list[dt.datetime]] = {}
    for _seq, kind, acked_at, sent_at in rows:
        acked = _aware(acked_at)
        groups.setdefault((acked.astimezone(dt.UTC).date(), kind), []).append(_aware(sent_at or acked_at))
    for (day, kind), sent in groups.items():
        summary = db.get(UplinkSentDaily, (day, kind))
        if summary is None:
            summary = UplinkSentDaily(day=day, kind=kind, acked=0)
            db.add(summary)
        summary.acked = (summary.acked or 0) + len(sent)
        first, last = min(sent), max(sent)
        summary.first_sent_at = min(first, _aware(summary.first_sent_at)) if summary.first_sent_at else first
        summary.last_sent_at = max(last, _aware(summary.last_sent_at)) if summary.last_sent_at else last
    db.flush()
    db.execute(delete(OutboxEntry).where(OutboxEntry.seq.in_([r[0] for r in rows])))
    return len(rows)
