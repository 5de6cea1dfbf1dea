"""The versioned event payload devices send (validated before anything is stored) and its public form."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, model_validator
from pydantic_core import PydanticCustomError

from devices.contracts.capture import IMAGE_MAGIC, MAX_CAPTURE_BYTES, Capture
from devices.contracts.events import MAX_DETAIL_BYTES, AlarmData, EventData, EventKind, Text64

__all__ = ["IMAGE_MAGIC", "MAX_CAPTURE_BYTES", "MAX_DETAIL_BYTES", "AlarmIn", "CaptureIn", "EventIn", "Kind"]

Kind = EventKind
CaptureIn = Capture  # the contract's models, under the names the console has used
AlarmIn = AlarmData


def _storable(text: str) -> bool:
    """No NUL (PostgreSQL text refuses it) and no lone surrogate (not encodable as UTF-8 for any database)."""
    if "\x00" in text:
        return False
    if text.isascii():
        return True
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _nul_at(value: Any, path: str = "") -> str | None:
    """Where text no database can store (NUL, a lone surrogate) hides in a payload, or None."""
    if isinstance(value, str):
        return None if _storable(value) else path
    if isinstance(value, dict):
        items: Any = value.items()
    elif isinstance(value, list | tuple):
        items = enumerate(value)
    else:
        return None
    for key, item in items:
        found = _nul_at(str(key), path) if isinstance(key, str) else None
        found = found or _nul_at(item, f"{path}.{key}" if path else str(key))
        if found is not None:
            return found
    return None


class EventIn(EventData):
    """Event payload v1 as ingested: the bus contract's EventData plus the envelope. The UUID makes it
    idempotent, the device time says when it happened (HTTP and bus ingest accept the same JSON)."""

    model_config = ConfigDict(extra="forbid")

    v: Literal[1] = 1
    id: uuid.UUID
    kind: EventKind
    device_serial: Text64
    device_time: AwareDatetime

    @model_validator(mode="before")
    @classmethod
    def _no_nul(cls, data: Any) -> Any:
        where = _nul_at(data)
        if where is not None:
            raise PydanticCustomError(
                "text.nul",
                "text must not contain a NUL character (\\u0000) or a lone surrogate",
                {"zh": "文本不得包含NUL字符（\\u0000）或孤立代理字符", "field": where or None},
            )
        return data

    @model_validator(mode="after")
    def _alarm_matches_kind(self) -> EventIn:
        if (self.kind == "alarm") != (self.alarm is not None):
            raise PydanticCustomError(
                "alarm.mismatch",
                "an 'alarm' object is required for kind 'alarm' and only for it",
                {"zh": "告警事件必须且只能在kind为alarm时携带alarm", "field": "alarm"},
            )
        return self


class EventPublic(BaseModel):
    """An event as the console API and the live stream show it."""

    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    kind: str
    device_serial: str
    device_time: dt.datetime
    received_at: dt.datetime
    subject: str | None
    subject_name: str | None
    decision: str | None
    detail: dict[str, Any]
    capture_sha256: str | None
    alarm_id: uuid.UUID | None

    @property
    def capture_url(self) -> str | None:
        return f"/api/captures/{self.capture_sha256}" if self.capture_sha256 else None

    def as_json(self) -> dict[str, Any]:
        return {**self.model_dump(mode="json"), "capture_url": self.capture_url}
