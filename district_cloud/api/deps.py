"""Police request context: the officer behind the bearer token (or cookie), a session, and the query audit."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from fastapi import Depends, HTTPException, Request
from sqlalchemy import select
from sqlalchemy.orm import Session

from district_cloud import auth
from district_cloud import models as m

COOKIE = "scd_session"


def get_db(request: Request) -> Iterator[Session]:
    with request.app.state.sessions() as db:
        try:
            yield db
            db.commit()
        except BaseException:
            db.rollback()
            raise


@dataclass
class Police:
    db: Session
    who: auth.Officer
    endpoint: str

    def audit(self, action: str, params: dict[str, Any], results: int) -> None:
        """Every query leaves a row: who, when, endpoint, parameters, number of results."""
        clean = {k: v for k, v in params.items() if v not in (None, "")}
        self.db.add(
            m.AuditEntry(
                username=self.who.username,
                role=self.who.role,
                action=action,
                endpoint=self.endpoint,
                params=clean,
                results=results,
            )
        )

    def scope(self, community: str | None) -> str | None:
        """Community police see only their own community; district police may pick any (or all)."""
        if self.who.role == "community_police":
            if community and community != self.who.community:
                raise HTTPException(
                    403, detail={"message_zh": "只能查询本社区", "message_en": "Own community only"}
                )
            return self.who.community
        return community or None


class ActiveUsers:
    """Which token holders are still active users, remembered for `ttl` seconds (one SELECT saved per query).

    A deactivated officer's token therefore keeps working for at most `ttl` seconds on each receiver.
    """

    def __init__(self, ttl: float = 10.0) -> None:
        self.ttl, self._seen, self._lock = ttl, dict[str, float](), threading.Lock()

    def check(self, db: Session, username: str) -> bool:
        now = time.monotonic()
        with self._lock:
            if self._seen.get(username, 0.0) > now:
                return True
        stmt = select(m.User.id).where(m.User.username == username, m.User.active.is_(True))
        if db.execute(stmt).first() is None:
            return False
        with self._lock:
            if len(self._seen) > 10_000:
                self._seen.clear()
            self._seen[username] = now + self.ttl
        return True


def police(request: Request, db: Session = Depends(get_db)) -> Police:
    header = request.headers.get("authorization", "")
    token = header[7:].strip() if header.lower().startswith("bearer ") else request.cookies.get(COOKIE, "")
    who = auth.verify(request.app.state.settings.secret_key, token) if token else None
    active: ActiveUsers = request.app.state.active_users
    if who is None or not active.check(db, who.username):
        raise HTTPException(401, detail={"message_zh": "请先登录", "message_en": "Login required"})
    return Police(db, who, f"{request.method} {request.url.path}")


def district_only(p: Police = Depends(police)) -> Police:
    if p.who.role != "district_police":
        raise HTTPException(
            403, detail={"message_zh": "需要区县民警权限", "message_en": "District police only"}
        )
    return p
