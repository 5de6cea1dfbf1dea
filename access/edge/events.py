"""Door events onto the bus: each controller event becomes a devices.bus Event whose data is the contract's
EventData (devices.contracts), the model the console validates with."""

from __future__ import annotations

import logging
import uuid
from datetime import datetime
from typing import Any

from pydantic import ValidationError

from devices.bus import BusClient, Event
from devices.contracts import AlarmData, Capture, EventData

log = logging.getLogger(__name__)

# controller kind -> the alarm it raises; other kinds are passes or refusals
ALARMS: dict[str, AlarmData] = {
    k: AlarmData(kind=kind, severity=sev, message_zh=zh, message_en=en)
    for k, (kind, sev, zh, en) in {
        "blacklist_alarm": ("blacklist", "high", "黑名单人员出现在门禁前", "Blacklisted person at the door"),
        "spoof_alarm": ("face_spoof", "high", "疑似照片冒用人脸通行", "Suspected photo attack at the door"),
        "forced_open": ("door_forced", "high", "门被强行打开", "Door forced open"),
        "held_open": ("door_held_open", "medium", "门长时间未关闭", "Door held open too long"),
        "fire_unlock": ("fire_unlock", "high", "火警联动：逃生门已解锁", "Fire alarm: escape door unlocked"),
        "fire_restore": ("fire_restore", "low", "火警解除：门已恢复上锁", "Fire cleared: door locked again"),
    }.items()
}
DETAIL_KEYS = ("door", "category", "reason", "score", "pass_id", "box", "open_s", "source", "by")


def _capture(b64: object) -> Capture | None:
    """The face capture when it is a JPEG/PNG within the limit; otherwise the event goes without it."""
    try:
        return Capture(data_b64=str(b64))
    except ValidationError as exc:
        log.warning("door capture dropped / 抓拍图片未随事件上传: %s", exc.errors()[0]["msg"])
        return None


def _kind(kind: str, category: object) -> str:
    """The console event kind of a controller event kind."""
    if kind in ALARMS:
        return "alarm"
    if kind in ("access_granted", "remote_open"):
        return "visitor_pass" if category == "visitor" else "door_pass"
    return "door_refused"


def event_data(event: dict[str, Any], names: dict[str, str] | None = None) -> EventData:
    """The contract data of one controller event (access/controller.py `_publish`)."""
    kind = str(event["kind"])
    detail = {k: event[k] for k in DETAIL_KEYS if event.get(k) is not None} | {"event": kind}
    person = str(event["person"])[:64] if event.get("person") else None
    name = (names or {}).get(person or "")
    return EventData(
        subject=person,
        subject_name=name[:64] if name else None,
        decision=str(event["category"]) if event.get("category") else None,
        detail=detail,
        capture=_capture(event["capture_jpeg"]) if event.get("capture_jpeg") else None,
        alarm=ALARMS.get(kind),
    )


def bus_event(event: dict[str, Any], names: dict[str, str] | None = None) -> Event:
    """Map one controller event to a bus Event for the console's ingest."""
    return Event(
        id=uuid.UUID(str(event["id"])),
        device_id=str(event["door"]),
        kind=_kind(str(event["kind"]), event.get("category")),
        ts=datetime.fromisoformat(str(event["ts"])),
        data=event_data(event, names).wire(),
    )


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
