"""Police login/logout for the district UI and API."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, HTTPException, Request, Response
from pydantic import BaseModel, Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from district_cloud import auth
from district_cloud import models as m
from district_cloud.api.deps import COOKIE, get_db

router = APIRouter(prefix="/api/auth", tags=["auth"])


class Login(BaseModel):
    username: str = Field(max_length=64)
    password: str = Field(max_length=128)


@router.post("/login")
def login(body: Login, request: Request, response: Response, db: Session = Depends(get_db)) -> dict[str, Any]:
    user = db.execute(select(m.User).where(m.User.username == body.username)).scalar_one_or_none()
    ok = auth.verify_password(body.password, user.password_hash if user else None)
    if user is None or not ok or not user.active:
        raise HTTPException(
            401, detail={"message_zh": "用户名或密码错误", "message_en": "Wrong username or password"}
        )
    s = request.app.state.settings
    token = auth.issue(s.secret_key, auth.Officer(user.username, user.role, user.community), s.token_hours)
    response.set_cookie(COOKIE, token, httponly=True, samesite="strict", max_age=int(s.token_hours * 3600))
    db.add(
        m.AuditEntry(username=user.username, role=user.role, action="login", endpoint="POST /api/auth/login")
    )
    return {
        "token": token,
        "username": user.username,
        "display_name": user.display_name,
        "role": user.role,
        "community": user.community,
    }


@router.post("/logout")
def logout(response: Response) -> dict[str, str]:
    response.delete_cookie(COOKIE)
    return {"status": "ok"}
