"""Login with lock-out after repeated wrong passwords (GB 50396 asks for an alarm), sessions, principals."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
import uuid
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from property_console import audit
from property_console.config import Settings
from property_console.errors import DomainError, Unauthorized
from property_console.models import Alarm, LoginSession, User, utcnow
from property_console.security.passwords import verify_password


@dataclass(frozen=True)
class Principal:
    """Who is calling: enough to decide permissions, scope and views, and to write the audit trail."""

    user_id: uuid.UUID
    username: str
    role: str
    person_id: uuid.UUID | None = None


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _aware(t: dt.datetime) -> dt.datetime:
    return t if t.tzinfo else t.replace(tzinfo=dt.UTC)


def _locked(user: User, now: dt.datetime) -> bool:
    return user.locked_until is not None and _aware(user.locked_until) > now


def login(
    session: Session, settings: Settings, username: str, password: str, source: str
) -> tuple[str, User, dt.datetime]:
    """Check the password; on success return a new bearer token. Wrong passwords count toward a lock-out."""
    now = utcnow()
    user = session.execute(select(User).where(User.username == username)).scalar_one_or_none()
    ok = verify_password(password, user.password_hash if user else None)
    if user is None or not user.is_active:
        raise Unauthorized.one("auth.invalid", "用户名或密码错误", "Wrong username or password")
    if _locked(user, now):
        raise DomainError.one(
            "auth.locked", "账户已锁定，请稍后再试或联系管理员", "Account is locked", status_code=423
        )
    if not ok:
        user.failed_attempts += 1
        if user.failed_attempts >= settings.lockout_attempts:
            _lock(session, settings, user, source, now)
        audit.record(
            session,
            actor=username,
            role=user.role,
            action="login_failed",
            entity="user",
            entity_ids=[user.id],
            endpoint=source,
            detail={"attempts": user.failed_attempts},
        )
        session.commit()  # the count must survive the refusal below
        raise Unauthorized.one("auth.invalid", "用户名或密码错误", "Wrong username or password")
    user.failed_attempts, user.locked_until, user.last_login_at = 0, None, now
    token = secrets.token_urlsafe(32)
    expires = now + dt.timedelta(hours=settings.session_hours)
    session.add(LoginSession(token_hash=token_hash(token), user_id=user.id, expires_at=expires))
    audit.record(
        session,
        actor=username,
        role=user.role,
        action="login",
        entity="user",
        entity_ids=[user.id],
        endpoint=source,
    )
    return token, user, expires


def _lock(session: Session, settings: Settings, user: User, source: str, now: dt.datetime) -> None:
    user.locked_until = now + dt.timedelta(minutes=settings.lockout_minutes)
    session.add(
        Alarm(
            kind="login_lockout",
            severity="medium",
            source=source,
            raised_at=now,
            message_zh=f"账户 {user.username} 连续{user.failed_attempts}次密码错误，已锁定",
            message_en=f"Account {user.username} locked after {user.failed_attempts} wrong passwords",
            detail={"username": user.username},
        )
    )


def principal_for_token(session: Session, token: str) -> Principal:
    """Resolve a bearer token to its user, or raise Unauthorized."""
    row = session.get(LoginSession, token_hash(token))
    if row is None or row.revoked or _aware(row.expires_at) <= utcnow() or not row.user.is_active:
        raise Unauthorized.one("auth.required", "请先登录", "Login required")
    u = row.user
    return Principal(u.id, u.username, u.role, u.person_id)


def logout(session: Session, token: str) -> None:
    row = session.get(LoginSession, token_hash(token))
    if row is not None:
        row.revoked = True
