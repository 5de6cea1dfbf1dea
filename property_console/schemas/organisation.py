"""Organisation schemas."""

from __future__ import annotations

import uuid

from pydantic import Field

from property_console.schemas.common import CreditCode, Name, Phone, PublicSchema, Schema


class OrganisationCreate(Schema):
    name: Name
    credit_code: CreditCode
    kind: Name = "company"
    address_id: uuid.UUID | None = None
    contact_name: Name | None = None
    contact_phone: Phone | None = None
    employees: int | None = Field(None, ge=0, le=1_000_000)


class OrganisationUpdate(Schema):
    name: Name | None = None
    kind: Name | None = None
    address_id: uuid.UUID | None = None
    contact_name: Name | None = None
    contact_phone: Phone | None = None
    employees: int | None = Field(None, ge=0, le=1_000_000)


class OrganisationPublic(PublicSchema):
    name: str
    credit_code: str
    kind: str
    address_id: uuid.UUID | None
    contact_name: str | None
    contact_phone: str | None = None  # hidden from residents
    employees: int | None
