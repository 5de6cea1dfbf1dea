"""Standard address schemas."""

from __future__ import annotations

import uuid
from typing import Annotated, Literal

from pydantic import StringConstraints

from property_console.schemas.common import Name, Phone, PublicSchema, Schema

Level = Literal["community", "building", "unit", "floor", "room"]
Segment = Annotated[str, StringConstraints(strip_whitespace=True, pattern=r"^[0-9A-Za-z]{1,12}$")]


class AddressCreate(Schema):
    level: Level
    parent_id: uuid.UUID | None = None
    segment: Segment  # local number, e.g. building "3", room "0302"; the code is parent code + "-" + segment
    name: Name
    police_station: Name | None = None
    officer_name: Name | None = None
    officer_phone: Phone | None = None
    map_x: float | None = None
    map_y: float | None = None


class AddressUpdate(Schema):
    name: Name | None = None
    police_station: Name | None = None
    officer_name: Name | None = None
    officer_phone: Phone | None = None
    map_x: float | None = None
    map_y: float | None = None


class AddressPublic(PublicSchema):
    code: str
    level: str
    parent_id: uuid.UUID | None
    name: str
    full_name: str
    police_station: str | None
    officer_name: str | None
    officer_phone: str | None
    map_x: float | None
    map_y: float | None
