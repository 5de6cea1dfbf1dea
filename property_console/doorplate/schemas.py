"""Request bodies of the doorplate and patrol API (unknown fields refused, limits as in the foundation)."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Annotated, Literal

from pydantic import Field, StringConstraints

from property_console.schemas.common import Name, Note, Phone, Schema, ShortText
from property_console.schemas.person import PersonIdentity

Relation = Literal["owner", "family", "tenant", "employee", "other"]
Code = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=64, pattern=r"^\S+$")]
Token = Annotated[str, StringConstraints(strip_whitespace=True, min_length=8, max_length=400)]
OtpDigits = Annotated[str, StringConstraints(strip_whitespace=True, pattern=r"^[0-9]{6}$")]
MAX_PHOTO_BASE64 = 700_000  # ~512 KB of JPEG


class OtpRequest(Schema):
    phone: Phone


class OtpVerify(Schema):
    phone: Phone
    code: OtpDigits


class MoveIn(PersonIdentity):
    """Register someone as living here: oneself, a family member (minors and elderly too) or a tenant."""

    token: Token
    name: Name
    phone: Phone | None = None
    relation: Relation
    for_self: bool = False
    start_date: dt.date
    note: Note | None = None
    photo_base64: Annotated[str, StringConstraints(max_length=MAX_PHOTO_BASE64)] | None = None
    photo_type: Literal["image/jpeg", "image/png"] | None = None


class MoveOut(Schema):
    """End a residency of this house (one's own, a family member's, or an owner's tenant's)."""

    token: Token
    residency_id: uuid.UUID
    end_date: dt.date
    note: ShortText | None = None


class PhoneUpdate(Schema):
    """Change the contact phone of someone living here."""

    token: Token
    residency_id: uuid.UUID
    phone: Phone


class Decision(Schema):
    note: ShortText | None = None


class NoteCreate(Schema):
    text: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=500)]


class FlagSet(Schema):
    flagged: bool
    reason: ShortText | None = None


class CheckpointCreate(Schema):
    code: Code
    name: Name
    address_code: Code | None = None


class RouteCreate(Schema):
    code: Code
    name: Name
    checkpoints: list[Code] = Field(min_length=1, max_length=100)


class ScheduleCreate(Schema):
    route_code: Code
    guard: Annotated[str, StringConstraints(min_length=1, max_length=64)]
    start_time: dt.time
    interval_minutes: int = Field(ge=1, le=720)
    tolerance_minutes: int = Field(5, ge=0, le=120)
    grace_minutes: int = Field(10, ge=0, le=240)
    valid_from: dt.date
    valid_until: dt.date | None = None


class ScanBody(Schema):
    token: Token
