"""Payloads of the Chinese-style LPR camera HTTP push (AlarmInfoPlate, heartbeat) and our normalised read."""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

COLOURS = {0: "unknown", 1: "blue", 2: "yellow", 3: "white", 4: "black", 5: "green"}
COLOUR_CODES = {v: k for k, v in COLOURS.items()}


class _Lenient(BaseModel):
    """Cameras add vendor fields freely: keep them, validate what we use."""

    model_config = ConfigDict(extra="allow", populate_by_name=True)


class TimeVal(_Lenient):
    sec: int = 0
    usec: int = 0


class TimeStamp(_Lenient):
    Timeval: TimeVal = Field(default_factory=TimeVal)


class PlateResult(_Lenient):
    license: str = Field(min_length=1, max_length=16)
    colorType: int = 0
    confidence: int = Field(default=0, ge=0, le=100)
    plateid: int = 0
    imageFile: str | None = None
    imageFragmentFile: str | None = None
    timeStamp: TimeStamp | None = None


class PlateResultBox(_Lenient):
    PlateResult: PlateResult


class AlarmInfoPlate(_Lenient):
    channel: int = 0
    deviceName: str = ""
    ipaddr: str = ""
    serialno: str = Field(min_length=1, max_length=64)
    result: PlateResultBox


class Heartbeat(_Lenient):
    countid: int = 0
    serialno: str = ""


@dataclass(frozen=True)
class PlateRead:
    """A plate read by a camera, normalised for the plate-gate decision."""

    camera_serial: str
    camera_ip: str
    plate: str
    colour: str
    confidence: float
    plate_id: int
    ts: datetime
    image_jpeg: bytes | None = None
    plate_jpeg: bytes | None = None
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class GateDecision:
    """What to tell the camera: open the barrier or not, optional LED text and voice prompt (zh-CN)."""

    open: bool
    display: str | None = None
    voice: str | None = None


def _b64(data: str | None) -> bytes | None:
    if not data:
        return None
    try:
        return base64.b64decode(data, validate=False)
    except (binascii.Error, ValueError):
        return None


def to_plate_read(push: AlarmInfoPlate) -> PlateRead:
    """Normalise a push (confidence 0..1, colour name, camera time or now)."""
    r = push.result.PlateResult
    tv = r.timeStamp.Timeval if r.timeStamp else None
    ts = datetime.fromtimestamp(tv.sec + tv.usec / 1e6, UTC) if tv and tv.sec else datetime.now(UTC)
    return PlateRead(
        camera_serial=push.serialno,
        camera_ip=push.ipaddr,
        plate=r.license.strip(),
        colour=COLOURS.get(r.colorType, "unknown"),
        confidence=r.confidence / 100,
        plate_id=r.plateid,
        ts=ts,
        image_jpeg=_b64(r.imageFile),
        plate_jpeg=_b64(r.imageFragmentFile),
    )
