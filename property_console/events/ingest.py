"""ingest() and ingest_many(): the single entry point for device events (HTTP routes, bus bridge, tests, benches).

A batch is stored with a handful of statements whatever its size: a SELECT for the ids already stored (only
where the batch carries capture bytes), one INSERT … ON CONFLICT DO NOTHING for the events (a concurrent copy of
the same UUID is a duplicate, not an error) that on PostgreSQL also inserts the passes' uplink outbox rows, the
alarms through the ORM's batched flush, one INSERT for the rejects, and the devices' last-seen times
(events/last_seen.py; one statement on PostgreSQL). Every item gets its own outcome: stored, duplicate, or
rejected with its reasons — a rejected item is always kept in event_rejects, and never blocks the good ones.
The caller owns the transaction and commits. docs/ingest.md has the figures.
"""

from __future__ import annotations

import datetime as dt
import logging
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, cast

from pydantic import ValidationError
from sqlalchemy import Connection, Table, insert, select, text
from sqlalchemy.dialects import postgresql
from sqlalchemy.exc import DataError, IntegrityError
from sqlalchemy.orm import Session

from property_console.api.errors import field_errors_from_pydantic
from property_console.errors import DomainError, FieldError
from property_console.events.alarms import alarm_message, raise_alarm
from property_console.events.broadcast import publish_after_commit
from property_console.events.captures import store_capture
from property_console.events.guard import statement_guard
from property_console.events.last_seen import touch_devices
from property_console.events.rejects import Reject, keep_rejects
from property_console.events.schemas import EventIn, EventPublic
from property_console.events.upstream import queue_upstream, upstream_rows
from property_console.models import Alarm, Event, OutboxEntry, utcnow
from property_console.uplink.outbox import ROW_COLUMNS as OUTBOX_COLUMNS
from sc_core import pg_batch

log = logging.getLogger(__name__)
Payload = Mapping[str, Any] | str | bytes
Status = Literal["stored", "duplicate", "rejected"]
EVENTS = cast(Table, Event.__table__)


class EventRejected(DomainError):
    """The payload was refused; it was kept in event_rejects (commit the session to keep it)."""

    status_code = 422


class Ingested:
    """What ingest did: the stored (or already present) event, its alarm, and whether it is new.

    A new event is kept as its row until someone asks for `event` (most callers only need the outcome)."""

    def __init__(self, event: Event | dict[str, Any], alarm: Alarm | None, created: bool) -> None:
        self._event, self.alarm, self.created = event, alarm, created

    @property
    def event(self) -> Event:
        if isinstance(self._event, dict):
            self._event = Event(**self._event)
        return self._event


@dataclass
class Outcome:
    """One item of a batch: stored, duplicate (its UUID was stored before) or rejected (kept, with reasons)."""

    status: Status
    id: str | None = None
    ingested: Ingested | None = None
    errors: list[FieldError] = field(default_factory=list)


def ingest(session: Session, payload: Payload, *, source: str = "bus") -> Ingested:
    """Store one event once (by its UUID); raise its alarm; push it to browsers after commit.

    A refused payload raises EventRejected after adding its event_rejects row to the session.
    """
    outcome = ingest_many(session, [payload], source=source)[0]
    if outcome.ingested is None:
        raise EventRejected(*outcome.errors)
    return outcome.ingested


def ingest_many(
    session: Session,
    payloads: Sequence[Payload],
    *,
    source: str = "bus",
    sources: Sequence[str] | None = None,
) -> list[Outcome]:
    """Store a batch of events, each once; one outcome per payload, in order. `sources` names each item's
    origin (kept with a reject) where the items came from different places, else `source` names them all."""
    outcomes: list[Outcome] = []
    fresh: dict[uuid.UUID, tuple[EventIn, Outcome, str]] = {}
    rejects: list[Reject] = []
    for i, payload in enumerate(payloads):
        origin = sources[i] if sources is not None else source
        parsed, errors = _parse(payload)
        if parsed is None:
            outcomes.append(Outcome("rejected", _claimed_id(payload), errors=errors))
            rejects.append((payload, errors, origin))
        elif parsed.id in fresh:  # the same UUID twice in one batch: the first one counts
            outcomes.append(Outcome("duplicate", str(parsed.id)))
        else:
            outcomes.append(outcome := Outcome("stored", str(parsed.id)))
            fresh[parsed.id] = (parsed, outcome, origin)
    if fresh:
        _store(session, fresh, rejects)
    keep_rejects(session, rejects)
    _resolve_duplicates(session, outcomes)
    return outcomes


def _parse(payload: Payload) -> tuple[EventIn | None, list[FieldError]]:
    try:
        if isinstance(payload, str | bytes):
            return EventIn.model_validate_json(payload), []
        return EventIn.model_validate(payload), []
    except ValidationError as exc:
        return None, field_errors_from_pydantic(list(exc.errors()), skip_prefix=())


def _claimed_id(payload: Payload) -> str | None:
    """The id a refused payload claims (so the sender can match the answer), if it has a usable one."""
    claimed = payload.get("id") if isinstance(payload, Mapping) else None
    return claimed if isinstance(claimed, str) and len(claimed) <= 64 and "\x00" not in claimed else None


def _store(
    session: Session,
    fresh: dict[uuid.UUID, tuple[EventIn, Outcome, str]],
    rejects: list[Reject],
) -> None:
    conn = session.connection()
    # Ids stored before are looked up first only where a capture would be stored for nothing (it may have
    # been purged since); otherwise the INSERT skips them and _check_skipped names them: one round trip less.
    carries_capture = any(parsed.capture is not None for parsed, _o, _s in fresh.values())
    known = _known(conn, list(fresh)) if carries_capture else set()
    rows: dict[uuid.UUID, dict[str, Any]] = {}
    for event_id, (parsed, outcome, _origin) in fresh.items():
        if event_id in known:
            outcome.status = "duplicate"
        else:
            rows[event_id] = _event_row(session, parsed)
    created, queued = _insert_events(session, rows, fresh, rejects)
    _check_skipped(conn, rows.keys() - created, fresh, rejects)
    if not created:
        return
    alarms = {
        event_id: raise_alarm(
            session, fresh[event_id][0], rows[event_id]["capture_sha256"], rows[event_id]["alarm_id"]
        )
        for event_id in created
        if fresh[event_id][0].alarm is not None
    }
    session.flush()
    messages: list[dict[str, Any]] = []
    events = [row for event_id, row in rows.items() if event_id in created]  # in arrival order
    if not queued:
        queue_upstream(session, events)
    for row in events:
        alarm = alarms.get(row["id"])
        fresh[row["id"]][1].ingested = Ingested(row, alarm, created=True)
        if alarm is not None:  # first, so a browser knows the alarm when its event arrives
            messages.append(alarm_message(alarm))
        messages.append({"type": "event", "perm": "events:read", "data": EventPublic(**row).as_json()})
    seen = [(r["device_serial"], r["device_time"], r["kind"]) for i, r in rows.items() if i in created]
    messages += [device_message(device) for device in touch_devices(session, seen)]
    for message in messages:  # after the savepoints: a savepoint's release would record them on its own
        publish_after_commit(session, message)


def _event_row(session: Session, parsed: EventIn) -> dict[str, Any]:
    digest = parsed.capture_sha256
    if parsed.capture is not None:
        digest = store_capture(session, *parsed.capture.image())
    return {
        "id": parsed.id,
        "kind": parsed.kind,
        "device_serial": parsed.device_serial,
        "device_time": parsed.device_time.astimezone(dt.UTC),
        "received_at": utcnow(),
        "subject": parsed.subject,
        "subject_name": parsed.subject_name,
        "decision": parsed.decision,
        "detail": parsed.detail,
        "capture_sha256": digest,
        "alarm_id": uuid.uuid4() if parsed.alarm is not None else None,
    }


def _insert_events(
    session: Session,
    rows: dict[uuid.UUID, dict[str, Any]],
    fresh: dict[uuid.UUID, tuple[EventIn, Outcome, str]],
    rejects: list[Reject],
) -> tuple[set[uuid.UUID], bool]:
    """INSERT the rows, skipping UUIDs stored meanwhile; returns the ids inserted now, and whether their
    passes' outbox rows went in with them (PostgreSQL: the same statement, for the inserted ids only).

    Should the database refuse the statement for its data, each row is retried alone and a row it still
    refuses becomes a reject with the database's reason (the others are stored).
    """
    if not rows:
        return set(), True
    conn = session.connection()
    try:
        with statement_guard(conn):
            if conn.dialect.name == "postgresql":
                params = {"rows": pg_batch.json_rows(rows.values(), PG_COLUMNS)}
                params["outbox"] = pg_batch.json_rows(upstream_rows(rows.values()), OUTBOX_COLUMNS)
                return set(conn.execute(PG_INSERT_QUEUED, params).scalars()), True
            return set(conn.execute(_insert_skipping_known(conn), list(rows.values())).scalars()), False
    except (DataError, IntegrityError):
        log.warning("batch insert refused; storing the %d events one by one", len(rows))
    created: set[uuid.UUID] = set()
    for event_id, row in rows.items():
        try:
            with statement_guard(conn):
                created |= set(conn.execute(_insert_skipping_known(conn), [row]).scalars())
        except (DataError, IntegrityError) as exc:
            parsed, outcome, origin = fresh[event_id]
            outcome.status = "rejected"
            outcome.errors = [_refused(exc)]
            rejects.append((parsed.model_dump(mode="json", exclude={"capture"}), outcome.errors, origin))
    return created, False


# PostgreSQL: the whole batch as one JSON parameter, one statement of fixed text (psycopg prepares it once; a
# multi-row VALUES statement is too long for its cache and was parsed anew at each batch, ~5 ms per 50 rows, and
# one array per column cost ~25 µs an event in psycopg's array dumper).
PG_COLUMNS = tuple(c.name for c in EVENTS.columns)
OUTBOX = cast(Table, OutboxEntry.__table__)
# The events and their passes' outbox rows in one round trip: the outbox rows of ids the INSERT skipped (stored
# meanwhile) are left out by the join on what it returned.
PG_INSERT_QUEUED = text(
    "WITH ins AS ("
    + pg_batch.insert_sql(EVENTS, PG_COLUMNS, skip_conflicts_on="id", returning="id")
    + "), queued AS ("
    + pg_batch.insert_sql(
        OUTBOX, OUTBOX_COLUMNS, param="outbox", where="r.record_id IN (SELECT CAST(id AS varchar) FROM ins)"
    )
    + ") SELECT id FROM ins"
).columns(EVENTS.c.id)
PG_KNOWN = text("SELECT id FROM events WHERE id = ANY(CAST(:ids AS uuid[]))").columns(EVENTS.c.id)


def _known(conn: Connection, ids: list[uuid.UUID]) -> set[uuid.UUID]:
    """The ids among `ids` already stored (PostgreSQL: one prepared statement whatever their number)."""
    if conn.dialect.name == "postgresql":
        literal = "{" + ",".join(map(str, ids)) + "}"  # an array literal: psycopg's array dumper is slow
        return set(conn.execute(PG_KNOWN, {"ids": literal}).scalars())
    return set(conn.execute(select(EVENTS.c.id).where(EVENTS.c.id.in_(ids))).scalars())


def _check_skipped(
    conn: Connection,
    skipped: set[uuid.UUID],
    fresh: dict[uuid.UUID, tuple[EventIn, Outcome, str]],
    rejects: list[Reject],
) -> None:
    """A row the INSERT skipped is a duplicate if its UUID is stored now (another transaction won the race);
    otherwise the database skipped it for another reason and it becomes a reject, never silently lost."""
    skipped = {i for i in skipped if fresh[i][1].status == "stored"}
    if not skipped:
        return
    stored = _known(conn, list(skipped))
    for event_id in skipped:
        parsed, outcome, origin = fresh[event_id]
        if event_id in stored:
            outcome.status = "duplicate"
            continue
        outcome.status, outcome.errors = "rejected", [_refused(RuntimeError("row not inserted"))]
        rejects.append((parsed.model_dump(mode="json", exclude={"capture"}), outcome.errors, origin))


# SQLite: INSERT OR IGNORE (a cached statement); PostgreSQL: ON CONFLICT (id) DO NOTHING (the dialect's
# statement has no cache key and is compiled per batch, a fraction of a PostgreSQL round trip).
_SQLITE_INSERT = insert(EVENTS).prefix_with("OR IGNORE").returning(EVENTS.c.id)


def _insert_skipping_known(conn: Connection) -> Any:
    if conn.dialect.name == "sqlite":
        return _SQLITE_INSERT
    if conn.dialect.name == "postgresql":
        return postgresql.insert(EVENTS).on_conflict_do_nothing(index_elements=["id"]).returning(EVENTS.c.id)
    return insert(EVENTS).returning(
        EVENTS.c.id
    )  # pragma: no cover - the console runs on SQLite or PostgreSQL


def _refused(exc: Exception) -> FieldError:
    reason = str(getattr(exc, "orig", exc)).splitlines()[0][:200]
    return FieldError(
        "event.refused_by_database", f"数据库拒绝保存该事件：{reason}", f"Refused by the database: {reason}"
    )


def _resolve_duplicates(session: Session, outcomes: list[Outcome]) -> None:
    """Attach the stored event (and its alarm) to every duplicate outcome."""
    wanted = {uuid.UUID(o.id) for o in outcomes if o.status == "duplicate" and o.ingested is None and o.id}
    if not wanted:
        return
    stored = {e.id: e for e in session.execute(select(Event).where(Event.id.in_(wanted))).scalars()}
    alarm_ids = [e.alarm_id for e in stored.values() if e.alarm_id]
    alarms = {a.id: a for a in session.execute(select(Alarm).where(Alarm.id.in_(alarm_ids))).scalars()}
    fresh = {o.id: o.ingested for o in outcomes if o.status == "stored" and o.ingested is not None}
    for outcome in outcomes:
        if outcome.status != "duplicate" or outcome.ingested is not None or not outcome.id:
            continue
        first = fresh.get(outcome.id)
        if first is not None:  # repeated within this batch
            outcome.ingested = Ingested(first.event, first.alarm, created=False)
            continue
        event = stored.get(uuid.UUID(outcome.id))
        if event is not None:
            alarm = alarms.get(event.alarm_id) if event.alarm_id else None
            outcome.ingested = Ingested(event, alarm, created=False)


def device_message(device: Mapping[str, Any]) -> dict[str, Any]:
    """The live-stream message for a device whose status changed."""
    seen = device.get("last_seen_at")
    if isinstance(seen, dt.datetime) and seen.tzinfo is None:  # SQLite drops the zone; stored values are UTC
        seen = seen.replace(tzinfo=dt.UTC)
    return {
        "type": "device",
        "perm": "devices:read",
        "data": {
            "id": str(device["id"]),
            "serial": device["serial"],
            "name": device["name"],
            "status": device["status"],
            "last_seen_at": seen.isoformat() if isinstance(seen, dt.datetime) else None,
        },
    }
