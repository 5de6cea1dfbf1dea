"""User and login schemas."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Annotated

from pydantic import BaseModel, StringConstraints

from property_console.schemas.common import Name, Phone, PublicSchema, Schema
from property_console.security.roles import Role

Username = Annotated[str, StringConstraints(strip_whitespace=True, pattern=r"^[A-Za-z0-9_.@-]{3,64}$")]
Password = Annotated[str, StringConstraints(min_length=1, max_length=128)]


class LoginRequest(Schema):
    username: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=64)]
    password: Password


class LoginResponse(BaseModel):
    token: str
    expires_at: dt.datetime
    username: str
    role: str
    display_name: str


class UserCreate(Schema):
    username: Username
    display_name: Name
    role: Role
    password: Password
    person_id: uuid.UUID | None = None
    phone: Phone | None = None


class UserUpdate(Schema):
    display_name: Name | None = None
    role: Role | None = None
    is_active: bool | None = None
    password: Password | None = None
    unlock: bool | None = None


class UserPublic(PublicSchema):
    username: str
    display_name: str
    role: str
    person_id: uuid.UUID | None
    is_active: bool
    failed_attempts: int
    locked_until: dt.datetime | None
    last_login_at: dt.datetime | None
