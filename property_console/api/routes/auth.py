"""Login, logout and who-am-I."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Request, Response
from sqlalchemy.orm import Session

from property_console.api.deps import COOKIE, Ctx, allow, bearer_token, public
from property_console.api.services import services_of
from property_console.schemas.user import LoginRequest, LoginResponse
from property_console.security.roles import PERMISSIONS, ROLE_NAMES_ZH, Role
from property_console.services import auth

router = APIRouter(prefix="/api/auth", tags=["auth"])


@router.post("/login", response_model=LoginResponse)
def login(body: LoginRequest, request: Request, response: Response, db: Annotated[Session, public()]) -> Any:
    settings = services_of(request.app).settings
    client = request.client.host if request.client else "?"
    token, user, expires = auth.login(
        db, settings, body.username, body.password, f"POST /api/auth/login from {client}"
    )
    response.set_cookie(
        COOKIE, token, httponly=True, samesite="strict", max_age=int(settings.session_hours * 3600)
    )
    return LoginResponse(
        token=token,
        expires_at=expires,
        username=user.username,
        role=user.role,
        display_name=user.display_name,
    )


@router.post("/logout", status_code=204)
def logout(request: Request, response: Response, db: Annotated[Session, public()]) -> None:
    token = bearer_token(request)
    if token:
        auth.logout(db, token)
    response.delete_cookie(COOKIE)


@router.get("/me")
def me(ctx: Annotated[Ctx, allow("self")]) -> dict[str, Any]:
    role = Role(ctx.who.role)
    return {
        "username": ctx.who.username,
        "role": role.value,
        "role_zh": ROLE_NAMES_ZH[role],
        "person_id": str(ctx.who.person_id) if ctx.who.person_id else None,
        "permissions": sorted(PERMISSIONS[role]),
    }
