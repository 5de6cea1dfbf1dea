"""Door events onto the bus as devices.bus Events whose data uses the console's EventIn field names."""

from __future__ import annotations

import logging
import uuid
from datetime import datetime
from typing import Any

from devices.bus import BusClient, Event

log = logging.getLogger(__name__)

# controller kind -> (alarm kind, severity, message_zh, message_en); other kinds are passes or refusals
ALARMS: dict[str, tuple[str, str, str, str]] = {
    "blacklist_alarm": ("blacklist", "high", "黑名单人员出现在门禁前", "Blacklisted person at the door"),
    "spoof_alarm": ("face_spoof", "high", "疑似照片冒用人脸通行", "Suspected photo attack at the door"),
    "forced_open": ("door_forced", "high", "门被强行打开", "Door forced open"),
    "held_open": ("door_held_open", "medium", "门长时间未关闭", "Door held open too long"),
    "fire_unlock": ("fire_unlock", "high", "火警联动：逃生门已解锁", "Fire alarm: escape door unlocked"),
    "fire_restore": ("fire_restore", "low", "火警解除：门已恢复上锁", "Fire cleared: door locked again"),
}
DETAIL_KEYS = ("door", "category", "reason", "score", "pass_id", "box", "open_s", "source", "by")


def bus_event(event: dict[str, Any], names: dict[str, str] | None = None) -> Event:
    """Map one controller event (access/controller.py `_publish`) to a bus Event for `ingest`."""
    kind = str(event["kind"])
    data: dict[str, Any] = {"detail": {k: event[k] for k in DETAIL_KEYS if event.get(k) is not None}}
    data["detail"]["event"] = kind
    person = event.get("person")
    if person:
        data["subject"] = str(person)[:64]
        name = (names or {}).get(str(person))
        if name:
            data["subject_name"] = name[:64]
    if event.get("category"):
        data["decision"] = str(event["category"])
    if event.get("capture_jpeg"):
        data["capture"] = {"data_b64": event["capture_jpeg"]}
    if kind in ALARMS:
        alarm_kind, severity, zh, en = ALARMS[kind]
        data["alarm"] = {"kind": alarm_kind, "severity": severity, "message_zh": zh, "message_en": en}
        ingest_kind = "alarm"
    elif kind in ("access_granted", "remote_open"):
        ingest_kind = "visitor_pass" if event.get("category") == "visitor" else "door_pass"
    else:
        ingest_kind = "door_refused"
    return Event(
        id=uuid.UUID(str(event["id"])),
        device_id=str(event["door"]),
        kind=ingest_kind,
        ts=datetime.fromisoformat(str(event["ts"])),
        data=data,
    )


def to_ingest_payload(topic_device_serial: str, event: Event) -> dict[str, Any]:
    """A bus Event as the console's EventIn payload (device serial from the topic, envelope mapped 1:1)."""
    return {
        **event.data,
        "id": str(event.id),
        "kind": event.kind,
        "device_serial": topic_device_serial,
        "device_time": event.ts.isoformat(),
    }


class BusEventSink:
    """EventSink publishing through a BusClient over the edge outbox (a broker outage only delays)."""

    def __init__(self, bus: BusClient, names: dict[str, str] | None = None) -> None:
        self.bus = bus
        self.names: dict[str, str] = names if names is not None else {}

    def publish(self, event: dict[str, Any]) -> None:
        """Map and publish one door event (into the outbox: on disk before this returns)."""
        self.bus.publish_event(bus_event(event, self.names))

    def flush(self) -> bool:
        """Nothing waits here: the outbox delivers on its own."""
        return True
