"""Residency schemas: create and end; a residency is never edited in place."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Literal

from pydantic import model_validator
from pydantic_core import PydanticCustomError

from property_console.schemas.common import PublicSchema, Schema, ShortText

Relation = Literal["owner", "family", "tenant", "employee", "other"]


class ResidencyCreate(Schema):
    person_id: uuid.UUID
    house_id: uuid.UUID
    relation: Relation
    start_date: dt.date
    end_date: dt.date | None = None

    @model_validator(mode="after")
    def _dates(self) -> ResidencyCreate:
        if self.end_date is not None and self.end_date <= self.start_date:
            raise PydanticCustomError(
                "dates.order",
                "end date must be after start date",
                {"zh": "结束日期必须晚于开始日期", "field": "end_date"},
            )
        return self


class ResidencyEnd(Schema):
    end_date: dt.date
    reason: ShortText | None = None


class ResidencyPublic(PublicSchema):
    person_id: uuid.UUID
    person_name: str
    house_id: uuid.UUID
    address_code: str
    address_name: str
    relation: str
    start_date: dt.date
    end_date: dt.date | None
    end_reason: str | None
