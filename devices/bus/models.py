"""Versioned payload models shared by every publisher and consumer on the bus."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

SCHEMA_VERSION = 1


def utcnow() -> datetime:
    """Timezone-aware current UTC time (the default device timestamp)."""
    return datetime.now(UTC)


class _Payload(BaseModel):
    """Base: strict fields, JSON (de)serialisation helpers, schema version `v`."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    v: Literal[1] = 1

    def to_bytes(self) -> bytes:
        """Serialise to compact UTF-8 JSON."""
        return self.model_dump_json().encode()

    @classmethod
    def from_bytes(cls, data: bytes | str) -> Any:
        """Parse and validate; raises pydantic.ValidationError on a bad payload."""
        return cls.model_validate_json(data)

    @field_validator("ts", mode="after", check_fields=False)
    @classmethod
    def _aware(cls, value: datetime) -> datetime:
        if value.tzinfo is None:
            raise ValueError("timestamp must carry a timezone / 时间戳必须带时区")
        return value


class Event(_Payload):
    """Something a device observed. `id` makes consumers idempotent; `ts` is the device's own clock."""

    id: uuid.UUID = Field(default_factory=uuid.uuid4)
    device_id: str = Field(min_length=1, max_length=64)
    kind: str = Field(min_length=1, max_length=64, pattern=r"^[a-z0-9_.-]+$")
    ts: datetime = Field(default_factory=utcnow)
    data: dict[str, Any] = Field(default_factory=dict)


class DeviceState(_Payload):
    """Retained online/offline state; the offline form is also registered as the MQTT last will."""

    device_id: str = Field(min_length=1, max_length=64)
    online: bool
    ts: datetime = Field(default_factory=utcnow)
    info: dict[str, Any] = Field(default_factory=dict)


class Command(_Payload):
    """A request to a device; it answers on `<cmd topic>/ack` with the same `id` before `timeout_s`."""

    id: uuid.UUID = Field(default_factory=uuid.uuid4)
    name: str = Field(min_length=1, max_length=64, pattern=r"^[a-z0-9_.-]+$")
    args: dict[str, Any] = Field(default_factory=dict)
    ts: datetime = Field(default_factory=utcnow)
    timeout_s: float = Field(default=5.0, gt=0, le=300)


class Ack(_Payload):
    """A device's answer to one command."""

    command_id: uuid.UUID
    ok: bool
    detail: str = Field(default="", max_length=500)
    result: dict[str, Any] = Field(default_factory=dict)
    ts: datetime = Field(default_factory=utcnow)


class ConfigPayload(_Payload):
    """Retained configuration document (gallery, vehicle lists, zones…) for edge services."""

    kind: str = Field(min_length=1, max_length=64, pattern=r"^[a-z0-9_.-]+$")
    revision: int = Field(ge=0)
    ts: datetime = Field(default_factory=utcnow)
    data: dict[str, Any] = Field(default_factory=dict)
