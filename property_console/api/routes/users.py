"""User administration (property_admin only)."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter
from sqlalchemy import select

from property_console.api.crud import get_or_404, present
from property_console.api.deps import Ctx, allow
from property_console.models import User
from property_console.schemas.user import UserCreate, UserPublic, UserUpdate
from property_console.services.users import create_user, set_password

router = APIRouter(prefix="/api/users", tags=["users"])


@router.get("", response_model=list[UserPublic])
def list_users(ctx: Annotated[Ctx, allow("users:read")]) -> Any:
    users = ctx.db.execute(select(User).order_by(User.username)).scalars()
    return [present("user", ctx.who.role, UserPublic, u) for u in users]


@router.post("", status_code=201, response_model=UserPublic)
def create(body: UserCreate, ctx: Annotated[Ctx, allow("users:write")]) -> Any:
    user = create_user(ctx.db, body)
    ctx.audit("create", "user", [user.id], {"username": user.username, "role": user.role})
    return present("user", ctx.who.role, UserPublic, user)


@router.patch("/{user_id}", response_model=UserPublic)
def update(user_id: uuid.UUID, body: UserUpdate, ctx: Annotated[Ctx, allow("users:write")]) -> Any:
    user = get_or_404(ctx.db, User, user_id, "用户")
    sent = body.model_dump(exclude_unset=True)
    if body.password is not None:
        set_password(user, body.password)
    if body.unlock:
        user.failed_attempts, user.locked_until = 0, None
    for field in ("display_name", "is_active"):
        if field in sent:
            setattr(user, field, sent[field])
    if body.role is not None:
        user.role = body.role.value
    ctx.audit("update", "user", [user.id], {"fields": sorted(k for k in sent if k != "password")})
    return present("user", ctx.who.role, UserPublic, user)
