"""The batch statements of ingest: one statement for every device's last-seen time, outbox rows in their order,
a replayed event whose capture was purged stays purged, and a value too long is refused, never truncated."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any, cast

import pytest
from sqlalchemy import Table, func, select
from sqlalchemy.exc import DataError

from property_console.events.captures import delete_capture
from property_console.events.ingest import ingest_many
from property_console.events.last_seen import touch_devices
from property_console.models import Capture, Device, Event, OutboxEntry
from property_console.runtime import Runtime
from property_console.uplink.events import outbox_values
from property_console.uplink.outbox import insert_rows
from sc_core import pg_batch
from tests.events.conftest import event_payload, with_capture

DOORS = ("DOOR-1-1-0001", "DOOR-2-1-0002")  # demo doors
T0 = dt.datetime(2031, 3, 1, 8, 0, tzinfo=dt.UTC)


def _utc(t: dt.datetime | None) -> dt.datetime | None:
    return t.replace(tzinfo=dt.UTC) if t is not None and t.tzinfo is None else t  # SQLite drops the zone


def _device(rt: Runtime, serial: str) -> tuple[dt.datetime | None, str]:
    with rt.sessions() as db:
        d = db.execute(select(Device).where(Device.serial == serial)).scalar_one()
        return _utc(d.last_seen_at), d.status


def test_devices_move_forward_only_and_report_who_changed(runtime: Runtime) -> None:
    with runtime.sessions.begin() as db:
        changed = touch_devices(
            db,
            [
                (DOORS[1], T0 + dt.timedelta(minutes=5), "door_pass"),
                (DOORS[0], T0 + dt.timedelta(minutes=2), "door_pass"),
                (DOORS[0], T0 + dt.timedelta(minutes=9), "device_offline"),  # the newest of door 1
                ("NO-SUCH-DEVICE", T0, "door_pass"),  # unknown: nothing to move
            ],
        )
    assert [(c["serial"], c["status"]) for c in changed] == [(DOORS[0], "offline"), (DOORS[1], "online")]
    assert _device(runtime, DOORS[0]) == (T0 + dt.timedelta(minutes=9), "offline")
    assert _device(runtime, DOORS[1]) == (T0 + dt.timedelta(minutes=5), "online")
    with runtime.sessions.begin() as db:  # a replay of older events changes neither device
        again = touch_devices(
            db, [(DOORS[0], T0 + dt.timedelta(minutes=3), "door_pass"), (DOORS[1], T0, "door_pass")]
        )
    assert again == []
    assert _device(runtime, DOORS[0]) == (T0 + dt.timedelta(minutes=9), "offline")
    assert _device(runtime, DOORS[1]) == (T0 + dt.timedelta(minutes=5), "online")


def test_outbox_rows_take_their_sequence_in_the_order_given(runtime: Runtime) -> None:
    names = [f"r{i:02d}" for i in (7, 3, 11, 0, 5, 9, 1)]  # not sorted: the order given is the order kept
    rows = [outbox_values("door_pass", {"device_id": DOORS[0], "shot_time": T0}, name) for name in names]
    with runtime.sessions.begin() as db:
        insert_rows(db.connection(), rows)
    with runtime.sessions() as db:
        mine = select(OutboxEntry.record_id).where(OutboxEntry.record_id.in_(names))  # the seed added others
        kept = db.execute(mine.order_by(OutboxEntry.seq)).scalars().all()
    assert kept == names


def test_replay_of_an_event_whose_capture_was_purged_stores_no_capture(runtime: Runtime) -> None:
    body = with_capture(event_payload())
    with runtime.sessions.begin() as db:
        (first,) = ingest_many(db, [body])
    assert first.status == "stored" and first.ingested is not None
    digest = first.ingested.event.capture_sha256
    assert digest is not None
    with runtime.sessions.begin() as db:  # the district acknowledged it: the uplink purges the image
        assert delete_capture(db, digest)
    with runtime.sessions.begin() as db:  # the door replays the same event after a reconnect
        (again,) = ingest_many(db, [body])
    assert again.status == "duplicate"
    with runtime.sessions() as db:
        assert db.execute(select(func.count()).select_from(Capture)).scalar_one() == 0
        assert db.execute(select(func.count()).select_from(Event)).scalar_one() == 1


@pytest.mark.postgres
@pytest.mark.parametrize(
    "seeded_url", ["postgresql"], indirect=True
)  # the JSON batch statement is PostgreSQL's
def test_json_batch_refuses_a_value_too_long_instead_of_truncating(runtime: Runtime) -> None:
    assert runtime.engine.dialect.name == "postgresql"
    events = cast(Table, Event.__table__)
    columns = ("id", "kind", "device_serial", "device_time", "received_at", "subject", "detail")
    row: dict[str, Any] = {
        "id": uuid.uuid4(),
        "kind": "door_pass",
        "device_serial": DOORS[0],
        "device_time": T0,
        "received_at": T0,
        "subject": "P" * 65,  # the column holds 64
        "detail": {},
    }
    stmt = pg_batch.insert_statement(events, columns, skip_conflicts_on="id", returning="id")
    with runtime.sessions() as db, pytest.raises(DataError):
        db.connection().execute(stmt, {"rows": pg_batch.json_rows([row], columns)})


def test_a_replayed_pass_is_queued_for_the_district_once(runtime: Runtime) -> None:
    first, second = event_payload(), event_payload()
    with runtime.sessions.begin() as db:
        ingest_many(db, [first])
    with runtime.sessions.begin() as db:  # the replay of `first` is skipped by the INSERT, not looked up
        outcomes = ingest_many(db, [first, second, event_payload("door_refused", decision="refused")])
    assert [o.status for o in outcomes] == ["duplicate", "stored", "stored"]
    with runtime.sessions() as db:
        queued = db.execute(
            select(OutboxEntry.record_id, OutboxEntry.kind).where(OutboxEntry.kind == "door_pass")
        ).all()
    assert sorted(queued) == sorted([(first["id"], "door_pass"), (second["id"], "door_pass")])
