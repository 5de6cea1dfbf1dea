"""The perimeter service's records on the bus (`event/<kind>`), v1.

Every alarm has a UUID (`alarm_uuid`) that stays the same for its whole life; the console keys the stored
alarm event on it. `alarm` becomes a console alarm event (`PerimeterAlarm.event_data`); `alarm_snapshot`
attaches media to it; the other records are the perimeter's own logs, not console events.
"""

from __future__ import annotations

import uuid
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from devices.contracts.capture import MAX_CAPTURE_BYTES, MAX_CLIP_BYTES
from devices.contracts.events import AlarmData, EventData, Severity

MEDIA_TYPES = ("image/jpeg", "image/png", "video/x-msvideo")
B64Image = Annotated[str, StringConstraints(max_length=MAX_CAPTURE_BYTES * 4 // 3 + 8)]
B64Clip = Annotated[str, StringConstraints(max_length=MAX_CLIP_BYTES * 4 // 3 + 8)]


class Record(BaseModel):
    """Base of the perimeter records: strict, and `wire()` for `Event.data`."""

    model_config = ConfigDict(extra="forbid")

    def wire(self) -> dict[str, Any]:
        """The JSON-ready dict for `Event.data`."""
        return self.model_dump(mode="json")


class AlarmRef(Record):
    """Which alarm a record is about: the state machine's id and the lifelong UUID."""

    alarm_id: int
    alarm_uuid: uuid.UUID


class ZonePlace(Record):
    """Where an alarm was raised: kept as the console alarm event's detail."""

    partition: str | None = None
    zone_name: str | None = None
    zone_type: str | None = None
    host: str | None = None
    location: dict[str, Any] | None = None
    cameras: list[str] = Field(default_factory=list)
    siren: bool = False


class PerimeterAlarm(AlarmRef, ZonePlace):
    """`alarm`: a latched alarm was raised (intrusion, tamper, fault, duress...)."""

    kind: str = Field("alarm", min_length=1, max_length=40)
    severity: Severity = "high"
    zone: str | None = None
    message_zh: str
    message_en: str

    def event_data(self) -> EventData:
        """The console alarm event: kind `perimeter_<kind>`, the place as detail."""
        place = ZonePlace.model_fields.keys()
        detail = {k: v for k, v in self.model_dump(mode="json", include=set(place)).items() if v is not None}
        alarm = AlarmData(
            kind=f"perimeter_{self.kind}",
            severity=self.severity,
            zone=self.zone,
            message_zh=self.message_zh,
            message_en=self.message_en,
        )
        return EventData(detail=detail, alarm=alarm)


class AlarmRepeat(AlarmRef):
    """`alarm_repeat`: the zone tripped again while its alarm was latched."""

    count: int


class AlarmResound(AlarmRef):
    """`alarm_resound`: an unacknowledged alarm sounded again."""

    resounds: int


class AlarmAck(AlarmRef):
    """`alarm_ack`: a person acknowledged the alarm (siren silenced, alarm stays latched)."""

    who: str


class AlarmReset(AlarmRef):
    """`alarm_reset`: a person reset the alarm."""

    who: str


class AlarmSnapshot(AlarmRef):
    """`alarm_snapshot`: a camera's picture (and clip) for an alarm, by content hash, with the media when kept."""

    camera: str
    ref: str
    image_b64: B64Image | None = None
    image_type: Literal["image/jpeg", "image/png"] | None = None
    clip_ref: str | None = None
    clip_type: Literal["video/x-msvideo"] | None = None
    clip_b64: B64Clip | None = None

    def wire(self) -> dict[str, Any]:
        return self.model_dump(mode="json", exclude_none=True)


class PartitionStateRecord(Record):
    """`partition_state`: a partition changed state (the state log)."""

    partition: str
    old: str
    new: str
    reason: str
    who: str = ""


class BypassRecord(Record):
    """`bypass`: a zone bypass started, was renewed, ended or expired (the bypass log)."""

    zone: str
    active: bool
    who: str
    reason: str
    until: float | None = None


class CommandRejected(Record):
    """`command_rejected`: the state machine refused a command."""

    command: str
    code: str
    message_zh: str
    message_en: str
    problems: list[tuple[str, str]] = Field(default_factory=list)


class Notify(Record):
    """`notify`: a push message for the on-duty staff."""

    level: str
    message_zh: str
    message_en: str
    partition: str | None = None
    alarm_id: int | None = None
    alarm_uuid: uuid.UUID | None = None

    def wire(self) -> dict[str, Any]:
        data = self.model_dump(mode="json")
        return (
            data
            if self.alarm_id is not None
            else {k: v for k, v in data.items() if not k.startswith("alarm_")}
        )


RECORDS: dict[str, type[Record]] = {
    "alarm_repeat": AlarmRepeat,
    "alarm_resound": AlarmResound,
    "alarm_ack": AlarmAck,
    "alarm_reset": AlarmReset,
    "alarm_snapshot": AlarmSnapshot,
    "partition_state": PartitionStateRecord,
    "bypass": BypassRecord,
    "command_rejected": CommandRejected,
    "notify": Notify,
}
"""Perimeter lifecycle records by event kind: the console does not store these as events."""
