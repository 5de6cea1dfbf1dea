"""House schemas."""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Literal

from pydantic import Field

from property_console.schemas.common import Note, PublicSchema, Schema

Use = Literal["residential", "commercial", "office", "mixed", "other"]
Ownership = Literal["private", "public", "company", "other"]
RentalStatus = Literal["self_occupied", "rented", "partly_rented", "vacant"]
Area = Decimal


class HouseCreate(Schema):
    address_id: uuid.UUID
    use: Use = "residential"
    ownership: Ownership = "private"
    rental_status: RentalStatus = "self_occupied"
    area_m2: Decimal | None = Field(None, gt=0, le=100000, max_digits=8, decimal_places=2)
    note: Note | None = None


class HouseUpdate(Schema):
    use: Use | None = None
    ownership: Ownership | None = None
    rental_status: RentalStatus | None = None
    area_m2: Decimal | None = Field(None, gt=0, le=100000, max_digits=8, decimal_places=2)
    flagged: bool | None = None
    note: Note | None = None


class HousePublic(PublicSchema):
    address_id: uuid.UUID
    address_code: str
    address_name: str
    use: str
    ownership: str
    rental_status: str
    area_m2: Decimal | None
    flagged: bool
    note: str | None
