"""Vehicle schemas."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Literal

from property_console.schemas.common import Name, PlateText, PublicSchema, Schema

PlateColor = Literal["blue", "yellow", "green", "yellow_green", "white", "black"]
PassType = Literal["resident", "monthly", "whitelist", "blacklist"]


class VehicleCreate(Schema):
    plate: PlateText
    plate_color: PlateColor = "blue"
    vehicle_color: Name | None = None
    brand: Name | None = None
    owner_id: uuid.UUID | None = None
    house_id: uuid.UUID | None = None
    pass_type: PassType = "resident"
    valid_until: dt.date | None = None


class VehicleUpdate(Schema):
    plate_color: PlateColor | None = None
    vehicle_color: Name | None = None
    brand: Name | None = None
    owner_id: uuid.UUID | None = None
    house_id: uuid.UUID | None = None
    pass_type: PassType | None = None
    valid_until: dt.date | None = None


class VehiclePublic(PublicSchema):
    plate: str
    plate_color: str
    vehicle_color: str | None
    brand: str | None
    owner_id: uuid.UUID | None
    house_id: uuid.UUID | None
    pass_type: str
    valid_until: dt.date | None
