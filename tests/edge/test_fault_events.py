"""A part that stops answering is an alarm the console accepts; its return is recorded too."""

from __future__ import annotations

from devices.bus import BusClient, Event, InProcessBus
from devices.edge.faults import fault_reporter
from property_console.bus_bridge import to_ingest_payload
from property_console.events.schemas import EventIn


def test_fault_and_restore_reach_the_console_as_alarms() -> None:
    hub = InProcessBus()
    got: list[Event] = []
    BusClient(hub.connect(), "C0001").on_events(got.append)
    on_fault, on_restored = fault_reporter(
        BusClient(hub.connect(), "C0001"), "GATE-N-0001", "地感检测器", "loop detector"
    )
    on_fault("unavailable", "Modbus Error: no response")
    on_restored()
    fault, back = (EventIn.model_validate(to_ingest_payload(e)) for e in got)
    assert (fault.kind, fault.device_serial) == ("alarm", "GATE-N-0001")
    assert fault.alarm is not None and (fault.alarm.kind, fault.alarm.severity) == ("device_fault", "medium")
    assert fault.alarm.message_zh == "地感检测器故障（无应答）"
    assert fault.detail["error"] == "Modbus Error: no response"
    assert back.alarm is not None and (back.alarm.kind, back.alarm.severity) == ("device_restored", "low")
    assert back.alarm.message_zh == "地感检测器恢复正常"
