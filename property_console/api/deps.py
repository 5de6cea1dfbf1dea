"""Typed dependencies: the database session, the caller, and the permission each route declares."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from fastapi import Depends, Request
from sqlalchemy.orm import Session

from property_console import audit
from property_console.api.services import services_of
from property_console.config import Settings
from property_console.errors import Forbidden, Unauthorized
from property_console.security.roles import allowed
from property_console.services.auth import Principal, principal_for_token
from sc_core.db import read_only

COOKIE = "sc_session"
POLICY_ATTR = "__sc_policy__"


def get_db(request: Request) -> Iterator[Session]:
    """One session per request; commits before the response is sent, rolls back on any error."""
    with services_of(request.app).sessions() as session:
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise


def bearer_token(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    if header.lower().startswith("bearer "):
        return header[7:].strip() or None
    return request.cookies.get(COOKIE)


@dataclass
class Ctx:
    """What a route handler gets: the session, the caller, settings and an audit helper bound to the endpoint."""

    db: Session
    who: Principal
    settings: Settings
    endpoint: str

    def audit(self, action: str, entity: str, ids: Any = (), detail: dict[str, Any] | None = None) -> None:
        audit.record(
            self.db,
            actor=self.who.username,
            role=self.who.role,
            action=action,
            entity=entity,
            entity_ids=ids,
            endpoint=self.endpoint,
            detail=detail,
        )


def allow(permission: str) -> Any:
    """Route dependency: the caller must be logged in with a role that holds `permission`."""

    def check(request: Request, db: Session = Depends(get_db, scope="function")) -> Ctx:
        token = bearer_token(request)
        if token is None:
            raise Unauthorized.one("auth.required", "请先登录", "Login required")
        reading = read_only(db)  # SQLite: the token check waits for no writer
        who = principal_for_token(db, token)
        if reading:
            db.commit()  # end the read; the route's own work is a transaction of its own
        if not allowed(who.role, permission):
            raise Forbidden.one(
                "auth.forbidden", "当前角色无权执行此操作", f"Role {who.role} may not {permission}"
            )
        endpoint = f"{request.method} {request.url.path}"
        return Ctx(db, who, services_of(request.app).settings, endpoint)

    setattr(check, POLICY_ATTR, permission)
    return Depends(check, scope="function")


def public() -> Any:
    """Route dependency marking a route reachable without login (login page, health)."""

    def anyone(db: Session = Depends(get_db, scope="function")) -> Session:
        return db

    setattr(anyone, POLICY_ATTR, "public")
    return Depends(anyone, scope="function")
