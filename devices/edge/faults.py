"""Device faults reported by an edge: a part (a Modbus input module, a loop detector) that stops answering
becomes one `alarm` event of kind `device_fault`, and its return one `device_restored` (low severity)."""

from __future__ import annotations

from collections.abc import Callable

from devices.bus import BusClient, Event
from devices.contracts import AlarmData, EventData

KIND_ZH = {"unavailable": "无应答", "device_error": "应答错误"}


def fault_event(device_id: str, part_zh: str, part_en: str, kind: str, detail: str) -> Event:
    """The alarm for a part that stopped answering (`kind`: unavailable or device_error)."""
    zh = f"{part_zh}故障（{KIND_ZH.get(kind, kind)}）"
    en = f"{part_en} fault ({kind.replace('_', ' ')})"
    alarm = AlarmData(kind="device_fault", severity="medium", message_zh=zh[:255], message_en=en[:255])
    data = EventData(alarm=alarm, detail={"part": part_en, "fault": kind, "error": detail[:300]})
    return Event(device_id=device_id, kind="alarm", data=data.wire())


def restored_event(device_id: str, part_zh: str, part_en: str) -> Event:
    """The record that the part answers again."""
    zh, en = f"{part_zh}恢复正常", f"{part_en} back to normal"
    alarm = AlarmData(kind="device_restored", severity="low", message_zh=zh[:255], message_en=en[:255])
    return Event(
        device_id=device_id, kind="alarm", data=EventData(alarm=alarm, detail={"part": part_en}).wire()
    )


def fault_reporter(
    events: BusClient, device_id: str, part_zh: str, part_en: str
) -> tuple[Callable[[str, str], None], Callable[[], None]]:
    """`(on_fault, on_restored)` for devices.modbus.DeviceHealth, publishing through the edge's outbox."""

    def on_fault(kind: str, detail: str) -> None:
        events.publish_event(fault_event(device_id, part_zh, part_en, kind, detail))

    def on_restored() -> None:
        events.publish_event(restored_event(device_id, part_zh, part_en))

    return on_fault, on_restored
