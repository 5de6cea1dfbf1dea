"""Event payload v1: what an edge puts in a bus Event's `data`, and the one mapping to the console's ingest form.

Edges build `EventData` (and `AlarmData`) and publish `data=EventData(...).wire()`; the console's `EventIn` is
`EventData` plus the envelope, so both sides validate with the same fields and limits.
"""

from __future__ import annotations

import json
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError, field_validator

from devices.bus.models import Event
from devices.contracts.capture import Capture, error

MAX_DETAIL_BYTES = 8 * 1024
EventKind = Literal[
    "door_pass",
    "door_refused",
    "vehicle_pass",
    "vehicle_pending",
    "vehicle_refused",
    "visitor_pass",
    "alarm",
    "device_offline",
    "device_online",
]
Severity = Literal["low", "medium", "high"]
Text64 = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=64)]
Message = Annotated[str, StringConstraints(min_length=1, max_length=255)]
Sha256 = Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{64}$")]


class AlarmData(BaseModel):
    """What a device says about the alarm it raises (events of kind `alarm` only)."""

    model_config = ConfigDict(extra="forbid")

    kind: Text64
    severity: Severity = "high"
    zone: Annotated[str, StringConstraints(max_length=64)] | None = None
    message_zh: Message
    message_en: Message


class EventData(BaseModel):
    """The `data` of a bus Event that the console stores: who or what, the decision, detail, capture, alarm."""

    model_config = ConfigDict(extra="forbid")

    subject: Text64 | None = None
    subject_name: Text64 | None = None
    decision: Annotated[str, StringConstraints(max_length=32)] | None = None
    detail: dict[str, Any] = Field(default_factory=dict)
    capture: Capture | None = None
    capture_sha256: Sha256 | None = None
    alarm: AlarmData | None = None

    def wire(self) -> dict[str, Any]:
        """The JSON-ready dict for `Event.data` (fields left unset are left out)."""
        return self.model_dump(mode="json", exclude_none=True)

    @field_validator("detail")
    @classmethod
    def _small_detail(cls, value: dict[str, Any]) -> dict[str, Any]:
        if len(json.dumps(value, ensure_ascii=False, default=str)) > MAX_DETAIL_BYTES:
            raise error("detail.too_large", "detail larger than 8 KiB", "详情内容超过8KB")
        return value


def to_ingest_payload(event: Event, device_serial: str | None = None) -> dict[str, Any] | None:
    """A bus Event as the console's EventIn JSON; None for a perimeter lifecycle record (not a console event).

    The envelope maps 1:1 (`device_serial` defaults to the event's device id) and `data` is EventData; a
    perimeter alarm record becomes an alarm event whose id is the alarm's lifelong UUID. A perimeter alarm
    that does not parse is passed on as it came, so the console keeps it as a reject with the reason.
    """
    from devices.contracts import perimeter

    if event.kind in perimeter.RECORDS:
        return None
    envelope = {
        "id": str(event.id),
        "kind": event.kind,
        "device_serial": device_serial or event.device_id,
        "device_time": event.ts.isoformat(),
    }
    if event.kind == "alarm" and "alarm_uuid" in event.data:
        try:
            alarm = perimeter.PerimeterAlarm.model_validate(event.data)
        except ValidationError:
            return {**event.data, **envelope}
        return {**alarm.event_data().wire(), **envelope, "id": str(alarm.alarm_uuid)}
    return {**event.data, **envelope}
