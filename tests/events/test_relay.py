"""Live push across processes: two console instances on one database (SQLite polling, PostgreSQL NOTIFY)."""

from __future__ import annotations

import asyncio
import queue
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import func, insert, select

from property_console.config import Settings
from property_console.events import broadcaster_for, ingest, publish_after_commit, relay_for, sse, stop_relay
from property_console.events.relay import LiveRelay
from property_console.models.live import LiveMessage
from property_console.runtime import Runtime, open_runtime
from property_console.schemas.user import UserCreate
from property_console.security.roles import Role
from property_console.seed import DEMO_PASSWORD
from property_console.services.users import create_user
from tests.events.conftest import event_payload, run_async
from tests.web.conftest import LiveServer

WAIT_S = 10  # an upper bound for a failing test, not a latency assertion


@pytest.fixture
def twin(runtime: Runtime, tmp_path: Path) -> Iterator[Runtime]:
    """A second console process's runtime: its own engine (pool, broadcaster, relay) on the same database."""
    other = open_runtime(
        Settings(mode="test", data_dir=tmp_path / "b", database_url=runtime.settings.database_url),
        migrate_db=False,
    )
    yield other
    stop_relay(other.engine)
    stop_relay(runtime.engine)
    other.engine.dispose()


def _drain(sub: Any) -> list[dict[str, Any]]:
    out = []
    while not sub.queue.empty():
        out.append(sub.queue.get_nowait())
    return out


def test_messages_reach_the_other_instance_once(runtime: Runtime, twin: Runtime) -> None:
    async def scenario() -> tuple[list[str], list[str], bool]:
        mine = broadcaster_for(runtime.engine).subscribe()
        theirs = broadcaster_for(twin.engine).subscribe()
        for rt in (runtime, twin):
            relay_for(rt.engine).start()

        def write() -> str:
            with runtime.sessions.begin() as db:
                return str(ingest(db, event_payload("alarm")).event.id)

        event_id = await asyncio.get_running_loop().run_in_executor(None, write)
        got = [await asyncio.wait_for(theirs.queue.get(), WAIT_S) for _ in range(3)]
        # the writer's own relay has seen the rows too and must not deliver them a second time
        await asyncio.get_running_loop().run_in_executor(None, relay_for(runtime.engine).poll_once)
        await asyncio.sleep(0.05)
        local = _drain(mine)
        return (
            [m["type"] for m in got if m],
            [m["type"] for m in local if m],
            bool(got[1]) and got[1]["data"]["id"] == event_id,  # type: ignore[index]
        )

    remote, local, same = run_async(scenario())
    assert remote == ["alarm", "event", "device"]
    assert local == ["alarm", "event", "device"]  # once, from the in-process broadcaster
    assert same


@pytest.mark.parametrize("seeded_url", ["sqlite"], indirect=True)  # the database kind does not matter here
def test_commands_and_rollbacks_are_not_shared(runtime: Runtime) -> None:
    with runtime.sessions() as db:
        before = db.execute(select(func.count()).select_from(LiveMessage)).scalar_one()
        publish_after_commit(db, {"type": "gate_command", "perm": "gates:confirm", "data": {}})
        db.commit()
        ingest(db, event_payload())
        db.rollback()
        after = db.execute(select(func.count()).select_from(LiveMessage)).scalar_one()
    assert after == before


def test_late_commits_below_the_cursor_are_delivered(runtime: Runtime) -> None:
    """Ids are taken at insert, visible at commit: a lower id committed later still gets through."""
    relay = LiveRelay(runtime.engine, broadcaster_for(runtime.engine))
    got: list[Any] = []
    relay.broadcaster = type("Sink", (), {"origin": "me", "publish": lambda self, m: got.append(m["n"])})()
    with runtime.sessions.begin() as db:
        base = db.execute(select(func.coalesce(func.max(LiveMessage.id), 0))).scalar_one()
    relay.cursor = base

    def row(offset: int, origin: str = "other") -> None:
        with runtime.sessions.begin() as db:
            db.execute(
                insert(LiveMessage),
                [{"id": base + offset, "origin": origin, "created_at": _now(), "messages": [{"n": offset}]}],
            )

    row(1)
    row(3)
    row(4, origin="me")  # this instance's own: already delivered in-process
    assert relay.poll_once() == 2 and got == [1, 3]
    assert set(relay.gaps) == {base + 2}
    row(2)
    assert relay.poll_once() == 1 and got == [1, 3, 2]
    assert relay.gaps == {} and relay.cursor == base + 4
    relay._close()


def _now() -> Any:
    from property_console.models import utcnow

    return utcnow()


def _stream(server: LiveServer, out: queue.Queue[tuple[str, Any]], ready: threading.Event) -> None:
    headers = {"Authorization": f"Bearer {server.token('staff')}"}
    with httpx.stream("GET", f"{server.url}/api/events/stream", headers=headers, timeout=WAIT_S) as r:
        for kind, data in sse.messages(r.iter_lines()):
            if kind == "connected":
                ready.set()
            elif kind == "event":
                out.put((kind, data))
                return


def test_browser_on_one_instance_sees_an_event_ingested_by_the_other(runtime: Runtime, twin: Runtime) -> None:
    with runtime.sessions.begin() as db:
        create_user(
            db, UserCreate(username="edge", display_name="网关", role=Role.SYSTEM, password=DEMO_PASSWORD)
        )
    a, b = LiveServer(runtime), LiveServer(twin)
    a.start()
    b.start()
    try:
        out: queue.Queue[tuple[str, Any]] = queue.Queue()
        ready = threading.Event()
        threading.Thread(target=_stream, args=(b, out, ready), daemon=True).start()
        assert ready.wait(WAIT_S)
        body = event_payload(subject="relay-check")
        with a.client("edge") as edge:
            assert edge.post("/api/events", json=body).status_code == 201
        kind, data = out.get(timeout=WAIT_S)
        assert (kind, data["id"], data["subject"]) == ("event", body["id"], "relay-check")
    finally:
        a.stop()
        b.stop()


@pytest.mark.parametrize("seeded_url", ["sqlite"], indirect=True)  # the database kind does not matter here
def test_single_process_console_can_skip_the_write(runtime: Runtime, tmp_path: Path) -> None:
    single = open_runtime(
        Settings(
            mode="test", data_dir=tmp_path, database_url=runtime.settings.database_url, live_relay=False
        ),
        migrate_db=False,
    )
    try:
        with single.sessions.begin() as db:
            before = db.execute(select(func.count()).select_from(LiveMessage)).scalar_one()
            ingest(db, event_payload())
        with single.sessions() as db:
            assert db.execute(select(func.count()).select_from(LiveMessage)).scalar_one() == before
        with runtime.sessions.begin() as db:  # the default keeps sharing
            ingest(db, event_payload())
        with runtime.sessions() as db:
            assert db.execute(select(func.count()).select_from(LiveMessage)).scalar_one() == before + 1
    finally:
        single.engine.dispose()


@pytest.mark.parametrize("seeded_url", ["sqlite"], indirect=True)  # the database kind does not matter here
def test_relay_start_survives_an_unreachable_database(runtime: Runtime) -> None:
    relay = LiveRelay(runtime.engine, broadcaster_for(runtime.engine))
    relay._connection = lambda: (_ for _ in ()).throw(OSError("database down"))  # type: ignore[method-assign]
    relay.start()  # no exception: the stream keeps this process's own messages
    assert relay.running and relay._start_at_newest
    relay.stop()
