"""Residents' login on the scan page: phone + one-time code."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Request, Response
from sqlalchemy.orm import Session

from property_console.api.deps import COOKIE, public
from property_console.api.services import services_of
from property_console.doorplate import otp
from property_console.doorplate.context import now
from property_console.doorplate.otp_sender import FileSender, OtpSender
from property_console.doorplate.schemas import OtpRequest, OtpVerify
from property_console.errors import Unauthorized

router = APIRouter(prefix="/api/doorplate/otp", tags=["doorplate"])


def sender(request: Request) -> OtpSender:
    """`app.state.otp_sender` if set (an SMS gateway, or a test double), else the demo file sender."""
    found: OtpSender | None = getattr(request.app.state, "otp_sender", None)
    if found is None:
        data_dir = Path(services_of(request.app).settings.data_dir)
        found = request.app.state.otp_sender = FileSender(data_dir / "doorplate" / "otp-outbox.log")
    return found


def _client(request: Request) -> str:
    return request.client.host if request.client else "?"


@router.post("/request", status_code=202)
def request_code(body: OtpRequest, request: Request, db: Annotated[Session, public()]) -> dict[str, Any]:
    """Send a code to the phone (the answer does not tell whether the phone is known)."""
    settings = services_of(request.app).settings
    expires = otp.request_code(
        db, settings.secret_key, sender(request), body.phone, _client(request), now(request)
    )
    return {"sent": True, "expires_at": expires.isoformat()}


@router.post("/verify")
def verify_code(
    body: OtpVerify, request: Request, response: Response, db: Annotated[Session, public()]
) -> dict[str, Any]:
    """Log in with the code: a resident session (account created on first login)."""
    settings, at = services_of(request.app).settings, now(request)
    if not otp.check_code(db, settings.secret_key, body.phone, body.code, at):
        db.commit()  # the wrong try must count
        raise Unauthorized.one("otp.wrong", "验证码错误", "Wrong code", "code")
    user = otp.resident_user(db, body.phone)
    token, expires = otp.open_session(db, user, settings.session_hours)
    response.set_cookie(
        COOKIE, token, httponly=True, samesite="strict", max_age=int(settings.session_hours * 3600)
    )
    return {"token": token, "expires_at": expires.isoformat(), "username": user.username, "role": user.role}
