"""ingest(): validation, idempotency, captures by hash, alarms, device status, rejects kept."""

from __future__ import annotations

import datetime as dt
import hashlib

import pytest
from sqlalchemy import func, select

from property_console.events import EventRejected, ingest
from property_console.models import Alarm, Capture, Device, Event, EventReject
from property_console.runtime import Runtime
from tests.events.conftest import event_payload, jpeg, with_capture


def _count(rt: Runtime, model: type) -> int:
    with rt.sessions() as db:
        return int(db.execute(select(func.count()).select_from(model)).scalar_one())


def test_same_uuid_twice_is_one_row(runtime: Runtime) -> None:
    body = event_payload()
    with runtime.sessions.begin() as db:
        first = ingest(db, body)
    with runtime.sessions.begin() as db:
        second = ingest(db, body)
    assert first.created and not second.created
    assert second.event.id == first.event.id
    assert _count(runtime, Event) == 1


def test_capture_stored_once_by_sha256(runtime: Runtime) -> None:
    image = jpeg()
    with runtime.sessions.begin() as db:
        a = ingest(db, with_capture(event_payload(), image))
        b = ingest(db, with_capture(event_payload(), image))
    digest = hashlib.sha256(image).hexdigest()
    assert a.event.capture_sha256 == b.event.capture_sha256 == digest
    with runtime.sessions() as db:
        stored = db.get(Capture, digest)
        assert stored is not None and stored.data == image and stored.content_type == "image/jpeg"
    assert _count(runtime, Capture) == 1


def test_alarm_event_raises_one_alarm_with_zone(runtime: Runtime) -> None:
    body = with_capture(event_payload("alarm"))
    with runtime.sessions.begin() as db:
        done = ingest(db, body)
        again = ingest(db, body)
    assert done.alarm is not None and again.alarm is not None and again.alarm.id == done.alarm.id
    with runtime.sessions() as db:
        alarm = db.execute(select(Alarm)).scalar_one()
        assert alarm.status == "new" and alarm.source == "PERI-HOST-01"
        assert alarm.detail["zone"] == "Z3" and alarm.detail["capture_sha256"] == done.event.capture_sha256


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"kind": "teleport"}, "kind"),
        ({"device_time": "2026-11-21T10:00:00"}, "device_time"),  # no time zone
        ({"id": "not-a-uuid"}, "id"),
        ({"capture": {"data_b64": "aGVsbG8="}}, "capture.data_b64"),  # base64 of "hello": not an image
        ({"unexpected": 1}, "unexpected"),
        ({"kind": "alarm"}, "alarm"),  # alarm kind without an alarm object
    ],
)
def test_bad_payload_is_refused_clearly_and_kept(runtime: Runtime, change: dict, field: str) -> None:
    body = {**event_payload(), **change}
    with runtime.sessions() as db:
        with pytest.raises(EventRejected) as caught:
            ingest(db, body, source="test")
        db.commit()
    fields = [e.field or "" for e in caught.value.errors]
    assert any(f.startswith(field) for f in fields), fields
    assert all(e.message_zh and e.message_en for e in caught.value.errors)
    assert _count(runtime, Event) == 0
    with runtime.sessions() as db:
        reject = db.execute(select(EventReject)).scalar_one()
        assert reject.source == "test" and body["device_serial"] in reject.payload


def test_unparseable_text_is_kept_verbatim(runtime: Runtime) -> None:
    with runtime.sessions() as db:
        with pytest.raises(EventRejected):
            ingest(db, b'{"kind": "door_pass", truncated')
        db.commit()
    with runtime.sessions() as db:
        assert db.execute(select(EventReject.payload)).scalar_one() == '{"kind": "door_pass", truncated'


def test_device_status_follows_newest_event_only(runtime: Runtime) -> None:
    now = dt.datetime.now(dt.UTC)
    newer = event_payload("device_offline", device_time=now.isoformat())
    older = event_payload("door_pass", device_time=(now - dt.timedelta(minutes=5)).isoformat())
    with runtime.sessions.begin() as db:
        ingest(db, newer)
        ingest(db, older)  # a replayed older event must not flip the device back online
    with runtime.sessions() as db:
        door = db.execute(select(Device).where(Device.serial == "DOOR-1-1-0001")).scalar_one()
        assert door.status == "offline"
    with runtime.sessions.begin() as db:
        ingest(db, event_payload("device_online", device_time=(now + dt.timedelta(seconds=1)).isoformat()))
    with runtime.sessions() as db:
        door = db.execute(select(Device).where(Device.serial == "DOOR-1-1-0001")).scalar_one()
        assert door.status == "online"


def test_unknown_device_event_is_still_stored(runtime: Runtime) -> None:
    with runtime.sessions.begin() as db:
        done = ingest(db, event_payload(device_serial="NEW-CAM-99"))
    assert done.created and _count(runtime, Event) == 1


def test_new_passes_are_queued_for_the_district_once(runtime: Runtime) -> None:
    from property_console.models import OutboxEntry

    door = with_capture(event_payload())
    car = event_payload("vehicle_pass", subject="皖A12345", device_serial="LPR-N-0001")
    with runtime.sessions.begin() as db:
        for body in (
            door,
            door,
            car,
            event_payload("door_refused"),
            event_payload("vehicle_pass", subject=None),
        ):
            ingest(db, body)
    with runtime.sessions() as db:
        queued = db.execute(
            select(OutboxEntry).where(OutboxEntry.kind.in_(["door_pass", "vehicle_pass"]))
        ).scalars()
        by_record = {e.record_id: e for e in queued}
    assert set(by_record) == {
        door["id"],
        car["id"],
    }  # the replay and the plate-less car are not queued twice/at all
    assert by_record[door["id"]].captures == [hashlib.sha256(jpeg()).hexdigest()]
    assert by_record[car["id"]].payload["plate"] == "皖A12345"
