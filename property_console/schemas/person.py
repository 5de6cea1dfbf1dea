"""Person schemas: the ID number decides birth date and gender for resident ID cards."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Annotated, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    Field,
    StringConstraints,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from property_console.errors import DomainError
from property_console.schemas.common import Name, Note, Phone, PublicSchema, Schema, as_pydantic_error
from property_console.schemas.ethnicity import normalise_ethnicity
from property_console.validators import check_id_number

IdType = Literal["resident_id", "passport", "hk_macau_permit", "taiwan_permit", "foreign_permanent", "other"]
Gender = Literal["male", "female", "unknown"]
PopulationType = Literal["registered", "floating", "overseas"]
SpecialCategory = Literal[
    "elderly_alone", "disabled", "minor_left_behind", "key_care", "mental_health", "veteran"
]
IdNumber = Annotated[
    str, StringConstraints(strip_whitespace=True, to_upper=True, min_length=5, max_length=32)
]


def _ethnicity(value: str) -> str:
    norm = normalise_ethnicity(value)
    if norm is None:
        raise PydanticCustomError(
            "ethnicity.unknown", "not one of the 56 ethnic groups", {"zh": "民族名称无效"}
        )
    return norm


Ethnicity = Annotated[str, AfterValidator(_ethnicity)]


class PersonIdentity(Schema):
    """The identity pair, validated together; fills gender and birth date from a resident ID."""

    id_type: IdType = "resident_id"
    id_number: IdNumber
    gender: Gender | None = None
    birth_date: dt.date | None = None

    @field_validator("id_number")
    @classmethod
    def _check_number(cls, value: str, info: ValidationInfo) -> str:
        if info.data.get("id_type", "resident_id") != "resident_id":
            return value
        try:
            return check_id_number(value).number
        except DomainError as exc:
            raise as_pydantic_error(exc) from None

    @model_validator(mode="after")
    def _derive_from_number(self) -> PersonIdentity:
        if self.id_type != "resident_id":
            return self
        info = check_id_number(self.id_number)
        if self.birth_date is not None and self.birth_date != info.birth_date:
            raise PydanticCustomError(
                "birth_date.mismatch",
                "birth date differs from the ID number",
                {"zh": "出生日期与身份证号码不一致", "field": "birth_date"},
            )
        if self.gender not in (None, "unknown", info.gender):
            raise PydanticCustomError(
                "gender.mismatch",
                "gender differs from the ID number",
                {"zh": "性别与身份证号码不一致", "field": "gender"},
            )
        self.birth_date, self.gender = info.birth_date, "male" if info.gender == "male" else "female"
        return self


class PersonCreate(PersonIdentity):
    name: Name
    ethnicity: Ethnicity | None = None
    nationality: Annotated[str, StringConstraints(pattern=r"^[A-Z]{3}$")] = "CHN"
    phone: Phone | None = None
    population_type: PopulationType = "registered"
    special_categories: list[SpecialCategory] = Field(default_factory=list, max_length=6)
    note: Note | None = None


class PersonUpdate(Schema):
    id_type: IdType | None = None
    id_number: IdNumber | None = None
    name: Name | None = None
    ethnicity: Ethnicity | None = None
    phone: Phone | None = None
    population_type: PopulationType | None = None
    special_categories: list[SpecialCategory] | None = Field(None, max_length=6)
    note: Note | None = None


class PersonPublic(PublicSchema):
    id_type: str
    id_number: str
    name: str
    gender: str
    birth_date: dt.date | None
    ethnicity: str | None
    nationality: str
    phone: str | None
    population_type: str
    special_categories: list[str]
    note: str | None


class PersonView(BaseModel):
    """A person as one role sees them: personal fields may be masked (as text) or absent (hidden)."""

    id: uuid.UUID
    created_at: dt.datetime
    updated_at: dt.datetime
    version: int
    id_type: str
    name: str
    gender: str
    nationality: str
    population_type: str
    id_number: str | None = None
    phone: str | None = None
    birth_date: str | None = None
    ethnicity: str | None = None
    special_categories: list[str] | None = None
    note: str | None = None
