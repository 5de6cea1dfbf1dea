"""Every 一标三实 and alarm change writes an outbox row in its own transaction; enqueue() for passes."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import delete, func, select

from property_console.models import Alarm, OutboxEntry, Person, utcnow
from property_console.runtime import Runtime
from property_console.uplink.events import enqueue
from property_console.uplink.resync import enqueue_resync


def _rows(rt: Runtime, record_id: object) -> list[tuple[str, int, str]]:
    with rt.sessions() as db:
        stmt = select(OutboxEntry.kind, OutboxEntry.version, OutboxEntry.op).where(
            OutboxEntry.record_id == str(record_id)
        )
        return [tuple(r) for r in db.execute(stmt.order_by(OutboxEntry.seq))]


def _clear(rt: Runtime) -> None:
    with rt.sessions.begin() as db:
        db.execute(delete(OutboxEntry))


def test_api_create_and_update_write_versions(runtime: Runtime, login: Callable[[str], TestClient]) -> None:
    _clear(runtime)
    staff = login("staff")
    r = staff.post(
        "/api/persons",
        json={
            "id_type": "resident_id",
            "id_number": "11010519491231002X",
            "name": "测试人",
            "gender": "female",
        },
    )
    assert r.status_code in (200, 201), r.text
    pid = r.json()["id"]
    r = staff.patch(f"/api/persons/{pid}", json={"name": "改名人"})
    assert r.status_code == 200, r.text
    assert _rows(runtime, pid) == [("person", 1, "upsert"), ("person", 2, "upsert")]
    with runtime.sessions() as db:
        payload = db.execute(
            select(OutboxEntry.payload).where(OutboxEntry.record_id == pid, OutboxEntry.version == 2)
        ).scalar()
    assert (
        payload is not None and payload["name"] == "改名人" and payload["id_number"] == "11010519491231002X"
    )


def test_rolled_back_change_leaves_no_outbox_row(runtime: Runtime) -> None:
    _clear(runtime)
    with runtime.sessions() as db:
        p = Person(id_number="11010519491231002X", name="回滚", id_type="resident_id")
        db.add(p)
        db.flush()
        db.rollback()
    with runtime.sessions() as db:
        assert db.execute(select(func.count()).select_from(OutboxEntry)).scalar_one() == 0


def test_alarm_and_its_disposition_are_captured(runtime: Runtime, login: Callable[[str], TestClient]) -> None:
    with runtime.sessions.begin() as db:
        alarm = Alarm(
            kind="perimeter",
            source="PERI-HOST-01",
            message_zh="周界入侵",
            message_en="Intrusion",
            raised_at=utcnow(),
            detail={},
        )
        db.add(alarm)
    staff = login("staff")
    assert (
        staff.post(f"/api/alarms/{alarm.id}/handle", json={"disposition": "false_alarm"}).status_code == 200
    )
    assert [v for _k, v, _o in _rows(runtime, alarm.id)] == [1, 2]
    with runtime.sessions() as db:
        last = db.execute(
            select(OutboxEntry.payload).where(
                OutboxEntry.record_id == str(alarm.id), OutboxEntry.version == 2
            )
        ).scalar()
    assert last is not None and last["disposition"] == "false_alarm" and last["status"] == "handled"


def test_enqueue_validates_and_joins_the_callers_transaction(runtime: Runtime) -> None:
    _clear(runtime)
    event = {"device_id": "LPR-N-0001", "shot_time": dt.datetime.now(dt.UTC).isoformat(), "plate": "皖A12345"}
    with pytest.raises(ValueError):
        enqueue(runtime.sessions(), "teleport", event, uuid.uuid4())
    with pytest.raises(ValueError):
        enqueue(runtime.sessions(), "vehicle_pass", {**event, "plate": None}, uuid.uuid4())
    with pytest.raises(ValueError):
        enqueue(runtime.sessions(), "door_pass", {**event, "capture_sha256": "not-a-hash"}, uuid.uuid4())
    with runtime.sessions() as db:
        enqueue(db, "vehicle_pass", event, uuid.uuid4())
        db.rollback()
    rid = uuid.uuid4()
    with runtime.sessions.begin() as db:
        enqueue(db, "vehicle_pass", {**event, "capture_sha256": "a" * 64}, rid)
    with runtime.sessions() as db:
        rows = db.execute(select(OutboxEntry)).scalars().all()
    assert [(r.kind, r.record_id, r.captures) for r in rows] == [("vehicle_pass", str(rid), ["a" * 64])]


def test_resync_queues_every_record(runtime: Runtime) -> None:
    _clear(runtime)
    with runtime.sessions.begin() as db:
        n = enqueue_resync(db)
        persons = db.execute(select(func.count()).select_from(Person)).scalar_one()
        kinds = dict(
            db.execute(select(OutboxEntry.kind, func.count()).group_by(OutboxEntry.kind)).tuples().all()
        )
    assert kinds["person"] == persons and n == sum(kinds.values()) and "alarm" not in kinds
