"""Housekeeping prunes live messages, dead login sessions and old rejects with no browser watching."""

from __future__ import annotations

import datetime as dt
import time

from fastapi.testclient import TestClient
from sqlalchemy import func, insert, select

from property_console.api.app import create_app
from property_console.events.housekeeping import run_once
from property_console.models import EventReject, LoginSession, User, utcnow
from property_console.models.live import LiveMessage
from property_console.runtime import Runtime


def _seed_old_and_new(rt: Runtime) -> None:
    now = utcnow()
    with rt.sessions.begin() as db:
        user_id = db.execute(select(User.id).where(User.username == "staff")).scalar_one()
        db.execute(
            insert(LiveMessage),
            [
                {"origin": "old", "created_at": now - dt.timedelta(minutes=6), "messages": []},
                {"origin": "new", "created_at": now - dt.timedelta(minutes=1), "messages": []},
            ],
        )
        db.execute(
            insert(EventReject),
            [
                {"source": "old", "payload": "x", "errors": [], "received_at": now - dt.timedelta(days=91)},
                {"source": "new", "payload": "y", "errors": [], "received_at": now - dt.timedelta(days=89)},
            ],
        )
        db.execute(
            insert(LoginSession),
            [
                {"token_hash": "a" * 64, "user_id": user_id, "expires_at": now - dt.timedelta(days=8)},
                {"token_hash": "b" * 64, "user_id": user_id, "expires_at": now - dt.timedelta(days=6)},
                {"token_hash": "c" * 64, "user_id": user_id, "expires_at": now + dt.timedelta(hours=1)},
            ],
        )


def _left(rt: Runtime) -> tuple[set[str], set[str], set[str]]:
    with rt.sessions() as db:
        live = set(db.execute(select(LiveMessage.origin)).scalars())
        rejects = set(db.execute(select(EventReject.source)).scalars())
        tokens = set(db.execute(select(func.substr(LoginSession.token_hash, 1, 1))).scalars())
    return live, rejects, tokens


def test_run_once_prunes_only_what_is_past_its_retention(runtime: Runtime) -> None:
    _seed_old_and_new(runtime)
    pruned = run_once(runtime.engine)
    assert pruned == {"live_messages": 1, "login_sessions": 1, "event_rejects": 1}
    live, rejects, tokens = _left(runtime)
    assert live == {"new"} and rejects == {"new"}
    assert {"b", "c"} <= tokens and "a" not in tokens


def test_the_app_prunes_live_messages_without_a_browser_stream(runtime: Runtime) -> None:
    _seed_old_and_new(runtime)
    with TestClient(create_app(runtime.settings, runtime.engine)):  # lifespan on; no stream opened
        deadline = time.monotonic() + 30
        while "old" in _left(runtime)[0] and time.monotonic() < deadline:
            time.sleep(0.1)
    assert _left(runtime)[0] == {"new"}
