"""enqueue(): what access/, plate_gate/ and perimeter/ call to send a pass or an alarm event upstream."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.orm import Session

from property_console.models.base import utcnow
from property_console.uplink.outbox import OutboxEntry
from property_console.uplink.snapshot import json_value

EVENT_KINDS = ("door_pass", "visitor_pass", "vehicle_pass")


class CaptureRef(BaseModel):
    """A capture image in the console's `captures` table, referenced by the SHA-256 of its bytes."""

    model_config = ConfigDict(extra="forbid")

    type: Literal["face", "scene", "plate", "vehicle", "snapshot"] = "face"
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$")


class PassEvent(BaseModel):
    """A door, visitor or vehicle pass as the edge services report it."""

    model_config = ConfigDict(extra="allow")

    device_id: str = Field(min_length=1, max_length=64)
    shot_time: dt.datetime
    decision: str | None = Field(None, max_length=32)
    direction: Literal["in", "out", "unknown"] = "unknown"
    location: str | None = Field(None, max_length=128)
    person_id: str | None = None
    id_number: str | None = Field(None, max_length=32)
    name: str | None = Field(None, max_length=64)
    similarity: float | None = None
    plate: str | None = Field(None, max_length=10)
    plate_color: str | None = Field(None, max_length=16)
    captures: list[CaptureRef] = Field(default_factory=list)


def enqueue(session: Session, kind: str, payload: dict[str, Any], record_id: uuid.UUID | str) -> OutboxEntry:
    """Add one event to the outbox in the caller's transaction; ValueError on an unknown kind or bad payload.

    kind: door_pass / visitor_pass (→ /VIID/Faces with a face capture, else DoorInfo), vehicle_pass
    (→ /VIID/MotorVehicles; needs `plate`). A `capture_sha256` key is accepted as a face
    (or, for vehicles, plate) capture. Alarm rows of the console's Alarm model are captured automatically.
    """
    entry = OutboxEntry(**outbox_values(kind, payload, record_id))
    session.add(entry)
    return entry


def outbox_values(kind: str, payload: dict[str, Any], record_id: uuid.UUID | str) -> dict[str, Any]:
    """The outbox row `enqueue` adds, as plain values (for a batch INSERT); ValueError as for enqueue."""
    if kind not in EVENT_KINDS:
        raise ValueError(f"unknown uplink event kind {kind!r}; expected one of {EVENT_KINDS}")
    data = dict(payload)
    sha = data.pop("capture_sha256", None)
    event = PassEvent.model_validate(data)
    if sha:
        event.captures.append(CaptureRef(type="plate" if kind == "vehicle_pass" else "face", sha256=sha))
    if kind == "vehicle_pass" and not event.plate:
        raise ValueError("vehicle_pass needs a plate")
    return {
        "kind": kind,
        "record_id": str(record_id),
        "version": 1,
        "op": "upsert",
        "payload": json_value(event.model_dump(mode="json")),
        "captures": [c.sha256 for c in event.captures],
        "created_at": utcnow(),
        "status": "pending",
        "attempts": 0,
        "resync": False,
    }
