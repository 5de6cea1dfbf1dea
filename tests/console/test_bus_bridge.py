"""Device events and states on the bus reach the console's event store once, and bad messages are kept."""

from __future__ import annotations

import base64
import datetime as dt
from pathlib import Path

from sqlalchemy import func, select

from devices.bus import BusClient, DeviceState, Event, InProcessBus
from property_console.bus_bridge import BusBridge
from property_console.models import Alarm, Device
from property_console.models import Event as StoredEvent
from property_console.runtime import Runtime

FACE = (Path(__file__).parent / "data" / "face.jpg").read_bytes()


def _bridge(runtime: Runtime) -> tuple[BusClient, BusBridge]:
    hub = InProcessBus()
    bridge = BusBridge(hub.connect(), "C0001", runtime.sessions).start()
    return BusClient(hub.connect(), "C0001"), bridge


def _count(runtime: Runtime, model: type) -> int:
    with runtime.sessions() as db:
        return int(db.execute(select(func.count()).select_from(model)).scalar_one())


def test_door_event_with_capture_is_stored_once(runtime: Runtime) -> None:
    bus, bridge = _bridge(runtime)
    event = Event(
        device_id="DOOR-1-1-0001",
        kind="door_pass",
        data={
            "subject_name": "何华",
            "decision": "resident",
            "detail": {"score": 0.61},
            "capture": {"data_b64": base64.b64encode(FACE).decode()},
        },
    )
    bus.publish_event(event)
    bus.publish_event(event)  # QoS 1 redelivery
    assert bridge.stored == 2 and bridge.rejected == 0
    with runtime.sessions() as db:
        stored = db.execute(select(StoredEvent).where(StoredEvent.id == event.id)).scalar_one()
        assert (stored.kind, stored.device_serial, stored.decision) == (
            "door_pass",
            "DOOR-1-1-0001",
            "resident",
        )
        assert stored.capture_sha256 is not None
    assert _count(runtime, StoredEvent) == 1


def test_alarm_event_raises_an_alarm(runtime: Runtime) -> None:
    bus, _ = _bridge(runtime)
    alarm = {
        "kind": "intrusion",
        "zone": "Z12",
        "message_zh": "东侧围栏入侵",
        "message_en": "East fence intrusion",
    }
    bus.publish_event(Event(device_id="PERI-HOST-01", kind="alarm", data={"alarm": alarm}))
    with runtime.sessions() as db:
        stored = db.execute(select(Alarm).where(Alarm.kind == "intrusion")).scalar_one()
    assert stored.detail["zone"] == "Z12" and stored.status == "new"


def test_bad_messages_are_rejected_and_kept(runtime: Runtime) -> None:
    hub = InProcessBus()
    bridge = BusBridge(hub.connect(), "C0001", runtime.sessions).start()
    raw = hub.connect()
    raw.publish("sc/C0001/DOOR-1-1-0001/event/door_pass", b"{not json")
    bad_kind = Event(device_id="DOOR-1-1-0001", kind="teleport", data={})
    raw.publish("sc/C0001/DOOR-1-1-0001/event/teleport", bad_kind.to_bytes())
    assert bridge.rejected == 2 and bridge.stored == 0
    assert _count(runtime, StoredEvent) == 0


def test_device_state_marks_devices(runtime: Runtime) -> None:
    bus, _ = _bridge(runtime)
    ts = dt.datetime.now(dt.UTC)
    bus.publish_state(DeviceState(device_id="GATE-N-0001", online=False, ts=ts))
    with runtime.sessions() as db:
        gate = db.execute(select(Device).where(Device.serial == "GATE-N-0001")).scalar_one()
        kinds = set(db.execute(select(StoredEvent.kind)).scalars())
    assert gate.status == "offline" and "device_offline" in kinds


def test_perimeter_alarm_from_the_real_publisher(runtime: Runtime) -> None:
    """perimeter.bus_link publishes alarm records; the console stores one alarm per alarm UUID, zone included."""
    from perimeter import state_machine as sm
    from perimeter.bus_link import BusAlarmSink
    from perimeter.config import load_site

    hub = InProcessBus()
    bridge = BusBridge(hub.connect(), "C0001", runtime.sessions).start()
    site = load_site(Path(__file__).parents[2] / "perimeter" / "sites" / "example.yaml")
    sink = BusAlarmSink(BusClient(hub.connect(), "C0001"), site, device_id="PERI-HOST-01")
    zone = site.zones[0]
    alarm = sm.Alarm(
        id=1,
        kind=sm.AlarmKind.INTRUSION,
        raised_at=1_800_000_000.0,
        partition_id=zone.partition,
        zone_id=zone.id,
        host_id=None,
        siren=True,
        message_zh="围栏入侵",
        message_en="Fence intrusion",
    )
    sink.record(sm.AlarmRaised(alarm=alarm))
    sink.record(sm.AlarmAcknowledged(alarm_id=1, at=1_800_000_010.0, who="guard"))  # stays with perimeter
    assert bridge.stored == 1 and bridge.rejected == 0
    with runtime.sessions() as db:
        stored = db.execute(select(Alarm).where(Alarm.kind == "perimeter_intrusion")).scalar_one()
    assert stored.detail["zone"] == zone.id and stored.message_zh == "围栏入侵"
