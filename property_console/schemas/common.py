"""Shared schema pieces: validated field types, pagination, and DomainError → pydantic error bridging."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable
from typing import Annotated, Any, Generic, TypeVar

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints
from pydantic_core import PydanticCustomError

from property_console.errors import DomainError
from property_console.validators import check_credit_code, check_plate, normalise_phone

T = TypeVar("T")


def as_pydantic_error(exc: DomainError) -> PydanticCustomError:
    """Carry our code and both messages through pydantic's validation machinery."""
    first = exc.errors[0]
    return PydanticCustomError(
        first.code, first.message_en, {"zh": first.message_zh, "field": first.field or ""}
    )


def _bridge(fn: Callable[[str], str]) -> Callable[[str], str]:
    def check(value: str) -> str:
        try:
            return fn(value)
        except DomainError as exc:
            raise as_pydantic_error(exc) from None

    return check


def _no_control_chars(value: str) -> str:
    if any(ord(c) < 32 for c in value):
        raise PydanticCustomError(
            "text.control_chars", "must not contain control characters", {"zh": "不能包含控制字符"}
        )
    return value


Name = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=64),
    AfterValidator(_no_control_chars),
]
ShortText = Annotated[
    str, StringConstraints(strip_whitespace=True, max_length=200), AfterValidator(_no_control_chars)
]
Note = Annotated[str, StringConstraints(strip_whitespace=True, max_length=500)]
Phone = Annotated[str, StringConstraints(max_length=24), AfterValidator(_bridge(normalise_phone))]
PlateText = Annotated[str, StringConstraints(max_length=16), AfterValidator(_bridge(check_plate))]
CreditCode = Annotated[str, StringConstraints(max_length=24), AfterValidator(_bridge(check_credit_code))]


class Schema(BaseModel):
    """Base for request bodies: unknown fields are refused."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class PublicSchema(BaseModel):
    """Base for responses, read from ORM objects."""

    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    created_at: dt.datetime
    updated_at: dt.datetime
    version: int


class Page(BaseModel, Generic[T]):
    """One page of a listing."""

    items: list[T]
    total: int
    page: int = Field(ge=1)
    page_size: int = Field(ge=1)


def page_of(items: list[Any], total: int, page: int, page_size: int) -> dict[str, Any]:
    return {"items": items, "total": total, "page": page, "page_size": page_size}
