"""The versioned event payload devices send (validated before anything is stored) and its public form."""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import json
import uuid
from typing import Annotated, Any, Literal

from pydantic import (
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

MAX_CAPTURE_BYTES = 1024 * 1024
MAX_DETAIL_BYTES = 8 * 1024
Kind = Literal[
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
Text64 = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=64)]
Sha256 = Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{64}$")]
IMAGE_MAGIC = {b"\xff\xd8\xff": "image/jpeg", b"\x89PNG\r\n\x1a\n": "image/png"}


def _err(code: str, en: str, zh: str) -> PydanticCustomError:
    return PydanticCustomError(code, en, {"zh": zh})


class CaptureIn(BaseModel):
    """A small JPEG or PNG carried in the event as base64."""

    model_config = ConfigDict(extra="forbid")

    data_b64: str = Field(max_length=MAX_CAPTURE_BYTES * 4 // 3 + 8)

    def image(self) -> tuple[bytes, str]:
        """Decoded bytes and content type (validated already)."""
        data = base64.b64decode(self.data_b64, validate=True)
        return data, _image_type(data) or "application/octet-stream"

    @field_validator("data_b64")
    @classmethod
    def _decodes_to_image(cls, value: str) -> str:
        try:
            data = base64.b64decode(value, validate=True)
        except (binascii.Error, ValueError):
            raise _err(
                "capture.base64", "capture is not valid base64", "抓拍图片不是有效的base64编码"
            ) from None
        if len(data) > MAX_CAPTURE_BYTES:
            raise _err("capture.too_large", "capture larger than 1 MiB", "抓拍图片超过1MB")
        if _image_type(data) is None:
            raise _err("capture.format", "capture must be a JPEG or PNG", "抓拍图片须为JPEG或PNG")
        return value


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


def _image_type(data: bytes) -> str | None:
    return next((t for magic, t in IMAGE_MAGIC.items() if data.startswith(magic)), None)


class AlarmIn(BaseModel):
    """What a device says about the alarm it raises (kind 'alarm' only)."""

    model_config = ConfigDict(extra="forbid")

    kind: Text64
    severity: Literal["low", "medium", "high"] = "high"
    zone: Annotated[str, StringConstraints(max_length=64)] | None = None
    message_zh: Annotated[str, StringConstraints(min_length=1, max_length=255)]
    message_en: Annotated[str, StringConstraints(min_length=1, max_length=255)]


class EventIn(BaseModel):
    """Event payload v1: the UUID makes it idempotent, the device time says when it happened."""

    model_config = ConfigDict(extra="forbid")

    v: Literal[1] = 1
    id: uuid.UUID
    kind: Kind
    device_serial: Text64
    device_time: AwareDatetime
    subject: Text64 | None = None
    subject_name: Text64 | None = None
    decision: Annotated[str, StringConstraints(max_length=32)] | None = None
    detail: dict[str, Any] = Field(default_factory=dict)
    capture: CaptureIn | None = None
    capture_sha256: Sha256 | None = None
    alarm: AlarmIn | None = None

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

    @field_validator("detail")
    @classmethod
    def _small_detail(cls, value: dict[str, Any]) -> dict[str, Any]:
        if len(json.dumps(value, ensure_ascii=False, default=str)) > MAX_DETAIL_BYTES:
            raise _err("detail.too_large", "detail larger than 8 KiB", "详情内容超过8KB")
        return value

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
