"""Events built by each edge's own builder validate on the console side (EventIn) with the values the
requirement names; perimeter lifecycle records stay out of the events table; the one capture limit holds."""

from __future__ import annotations

import base64
import uuid
from datetime import UTC, datetime
from pathlib import Path

import pytest
from pydantic import ValidationError

from access.edge.events import bus_event
from devices.bus import Event
from devices.contracts import MAX_CAPTURE_BYTES, Capture, to_ingest_payload
from devices.contracts.perimeter import RECORDS
from devices.edge.faults import fault_event
from perimeter import state_machine as sm
from perimeter.bus_link import BusAlarmSink
from perimeter.config import load_site
from plate_gate.decision import Action, Decision, Direction
from plate_gate.pass_events import GatePass, alarm_event
from property_console.events.schemas import EventIn

JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 60
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 60
AT = datetime(2026, 12, 4, 12, 0, 0, tzinfo=UTC)
SITE = Path(__file__).parents[2] / "perimeter" / "sites" / "example.yaml"


class Recorder:
    """Stands in for the edge's BusClient: keeps what would go into the outbox."""

    def __init__(self) -> None:
        self.events: list[Event] = []

    def publish_event(self, event: Event) -> None:
        self.events.append(Event.model_validate_json(event.to_bytes()))  # as it crosses the wire


def _console(event: Event) -> EventIn:
    payload = to_ingest_payload(event)
    assert payload is not None
    return EventIn.model_validate(payload)


def test_door_blacklist_alarm_with_capture() -> None:
    eid = uuid.uuid4()
    raw = {
        "id": str(eid),
        "kind": "blacklist_alarm",
        "door": "DOOR-1-1-0001",
        "ts": "2026-12-04T20:00:00+08:00",
        "category": "blacklist",
        "person": "p-17",
        "score": 0.91,
        "alarm": True,
        "capture_jpeg": base64.b64encode(JPEG).decode(),
    }
    got = _console(bus_event(raw, {"p-17": "李四"}))
    assert (got.id, got.kind, got.device_serial) == (eid, "alarm", "DOOR-1-1-0001")
    assert got.device_time == datetime(2026, 12, 4, 12, 0, 0, tzinfo=UTC)
    assert (got.subject, got.subject_name, got.decision) == ("p-17", "李四", "blacklist")
    assert got.detail == {
        "door": "DOOR-1-1-0001",
        "category": "blacklist",
        "score": 0.91,
        "event": "blacklist_alarm",
    }
    assert got.alarm is not None
    assert got.alarm.model_dump() == {
        "kind": "blacklist",
        "severity": "high",
        "zone": None,
        "message_zh": "黑名单人员出现在门禁前",
        "message_en": "Blacklisted person at the door",
    }
    assert got.capture is not None and got.capture.image() == (JPEG, "image/jpeg")


def test_door_capture_that_breaks_the_contract_is_left_off_not_the_event() -> None:
    gif = base64.b64encode(b"GIF89a" + b"\x00" * 20).decode()
    raw = {"id": str(uuid.uuid4()), "kind": "access_denied", "door": "D2", "ts": AT.isoformat()}
    got = _console(bus_event(raw | {"category": "unknown", "capture_jpeg": gif}))
    assert (got.kind, got.decision, got.capture) == ("door_refused", "unknown", None)


def _decision(action: Action = Action.OPEN, reason: str = "monthly") -> Decision:
    return Decision(
        action, reason, "皖A12345", Direction.ENTRY, "north-in", "P-main", "月卡车", "monthly pass"
    )


def test_gate_pass_carries_a_capture_up_to_the_one_limit() -> None:
    big = b"\xff\xd8\xff" + b"\x01" * (950 * 1024)  # over the gate's old 900 KiB, under the contract's 1 MiB
    p = GatePass(_decision(), at=AT, color="blue", score=0.97, image_jpeg=big)
    got = _console(p.event("GATE-N-0001"))
    assert (got.id, got.kind, got.device_serial) == (p.event_id, "vehicle_pass", "GATE-N-0001")
    assert (got.subject, got.decision) == ("皖A12345", "monthly")
    assert got.detail["direction"] == "in" and got.detail["plate_color"] == "blue"
    assert got.capture is not None and got.capture.image()[0] == big
    too_big = GatePass(_decision(), at=AT, image_jpeg=b"\xff\xd8\xff" + b"\x01" * MAX_CAPTURE_BYTES)
    assert _console(too_big.event("GATE-N-0001")).capture is None


def test_gate_staff_refusal_and_blacklist_alarm() -> None:
    p = GatePass(_decision(Action.REFUSE, "blacklist"), at=AT, confirmed_by="王保安")
    got = _console(p.event("GATE-N-0001"))
    assert (got.kind, got.decision, got.detail["confirmed_by"]) == (
        "vehicle_refused",
        "staff_blacklist",
        "王保安",
    )
    alarm = _console(alarm_event(p, "GATE-N-0001"))
    assert alarm.kind == "alarm" and alarm.detail["pass_event_id"] == str(p.event_id)
    assert alarm.alarm is not None
    assert (alarm.alarm.kind, alarm.alarm.severity, alarm.alarm.zone) == (
        "vehicle_blacklist",
        "high",
        "north-in",
    )
    assert alarm.alarm.message_en == "blacklisted vehicle 皖A12345 at north-in (monthly pass)"


def _perimeter() -> tuple[BusAlarmSink, Recorder]:
    out = Recorder()
    return BusAlarmSink(out, load_site(SITE), device_id="PERI-HOST-01"), out  # type: ignore[arg-type]


def test_perimeter_alarm_becomes_a_console_alarm_keyed_on_its_uuid() -> None:
    sink, out = _perimeter()
    alarm = sm.Alarm(
        1, sm.AlarmKind.INTRUSION, 1_796_400_000.0, "P1", "fence-n", None, True, "入侵报警", "Intrusion"
    )
    sink.record(sm.AlarmRaised(alarm=alarm))
    (event,) = out.events
    got = _console(event)
    assert str(got.id) == event.data["alarm_uuid"] and got.id != event.id
    assert (got.kind, got.device_serial) == ("alarm", "PERI-HOST-01")
    assert got.device_time == datetime.fromtimestamp(1_796_400_000.0, UTC)
    assert got.detail == {
        "partition": "P1",
        "zone_name": "北围墙电子围栏",
        "zone_type": "perimeter",
        "host": "H1",
        "location": {"map": "site", "x": 120.0, "y": 18.0},
        "cameras": ["cam-n1"],
        "siren": True,
    }
    assert got.alarm is not None
    assert got.alarm.model_dump() == {
        "kind": "perimeter_intrusion",
        "severity": "high",
        "zone": "fence-n",
        "message_zh": "入侵报警",
        "message_en": "Intrusion",
    }


def test_perimeter_lifecycle_records_parse_and_stay_out_of_the_events_table() -> None:
    sink, out = _perimeter()
    sink.record(sm.AlarmAcknowledged(alarm_id=1, at=1.0, who="guard"))
    sink.record(sm.AlarmReset(alarm_id=1, at=2.0, who="guard"))
    sink.record(sm.AlarmRepeated(alarm_id=1, at=3.0, count=2))
    sink.record(
        sm.StateChanged("P1", sm.PartitionState.DISARMED, sm.PartitionState.ARMED, 4.0, "armed", "张")
    )
    sink.record(sm.BypassChanged(zone_id="beam-e", at=5.0, active=True, who="张", reason="施工", until=65.0))
    sink.record(sm.Rejected("arm", "zones_open", "防区未就绪", "zones open", 6.0, (("gate-w", "open"),)))
    sink.notify(sm.Notify("alarm", "报警", "alarm", 7.0, alarm_id=1, partition_id="P1"))
    sink.attach_snapshot(1, "cam-n1", "ref-1")
    kinds = [e.kind for e in out.events]
    assert kinds == [
        "alarm_ack",
        "alarm_reset",
        "alarm_repeat",
        "partition_state",
        "bypass",
        "command_rejected",
        "notify",
        "alarm_snapshot",
    ]
    assert all(to_ingest_payload(e) is None for e in out.events)
    parsed = [RECORDS[e.kind].model_validate(e.data) for e in out.events]
    uuids = {str(getattr(r, "alarm_uuid", None)) for r in parsed if getattr(r, "alarm_uuid", None)}
    assert len(uuids) == 1  # one alarm, one lifelong UUID across its records
    assert out.events[3].data == {
        "partition": "P1",
        "old": "disarmed",
        "new": "armed",
        "reason": "armed",
        "who": "张",
    }
    assert out.events[5].data["problems"] == [["gate-w", "open"]]


def test_an_old_perimeter_edge_alarm_still_ingests() -> None:
    alarm_uuid = uuid.uuid4()
    old = {  # what perimeter/bus_link sent before the contracts (hand-written)
        "alarm_id": 4,
        "alarm_uuid": str(alarm_uuid),
        "kind": "tamper",
        "severity": "high",
        "partition": "P1",
        "zone": "H1-box",
        "zone_name": "周界主机箱防拆",
        "zone_type": "tamper",
        "host": "H1",
        "location": None,
        "cameras": [],
        "siren": False,
        "message_zh": "防拆报警",
        "message_en": "Tamper",
    }
    got = _console(Event(device_id="PERI-HOST-01", kind="alarm", ts=AT, data=old))
    assert got.id == alarm_uuid and got.alarm is not None and got.alarm.kind == "perimeter_tamper"
    assert got.detail == {
        "partition": "P1",
        "zone_name": "周界主机箱防拆",
        "zone_type": "tamper",
        "host": "H1",
        "cameras": [],
        "siren": False,
    }


def test_a_malformed_perimeter_alarm_reaches_the_console_as_a_refusal_not_nothing() -> None:
    bad = Event(device_id="PERI-HOST-01", kind="alarm", ts=AT, data={"alarm_uuid": "not-a-uuid", "kind": "x"})
    payload = to_ingest_payload(bad)
    assert payload is not None and payload["alarm_uuid"] == "not-a-uuid"
    with pytest.raises(ValidationError):
        EventIn.model_validate(payload)


def test_device_fault_is_a_medium_alarm() -> None:
    got = _console(fault_event("GATE-N-0001", "地感检测器", "loop detector", "device_error", "CRC"))
    assert got.alarm is not None
    assert (got.alarm.kind, got.alarm.severity, got.alarm.message_en) == (
        "device_fault",
        "medium",
        "loop detector fault (device error)",
    )
    assert got.detail == {"part": "loop detector", "fault": "device_error", "error": "CRC"}


@pytest.mark.parametrize(
    ("data", "ok"),
    [
        (JPEG, True),
        (PNG, True),
        (b"\xff\xd8\xff" + b"\x00" * (1024 * 1024 - 3), True),  # exactly 1 MiB
        (b"\xff\xd8\xff" + b"\x00" * (1024 * 1024 - 2), False),  # one byte over
        (b"GIF89a" + b"\x00" * 10, False),
    ],
)
def test_the_one_capture_limit(data: bytes, ok: bool) -> None:
    b64 = base64.b64encode(data).decode()
    assert (Capture.of(data) is not None) is ok
    if ok:
        assert Capture(data_b64=b64).image()[0] == data
    else:
        with pytest.raises(ValidationError):
            Capture(data_b64=b64)


def test_http_ingest_json_of_today_still_validates() -> None:
    body = {  # the JSON edges and tests post to /api/events (hand-written)
        "v": 1,
        "id": str(uuid.uuid4()),
        "kind": "door_pass",
        "device_serial": "DOOR-1",
        "device_time": "2026-12-04T20:00:00+08:00",
        "subject": "p1",
        "decision": "resident",
        "detail": {"door": "DOOR-1"},
        "capture": {"data_b64": base64.b64encode(PNG).decode()},
    }
    got = EventIn.model_validate(body)
    assert got.capture is not None and got.capture.image()[1] == "image/png"
    with pytest.raises(ValidationError):
        EventIn.model_validate(body | {"unexpected": 1})
