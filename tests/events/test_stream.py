"""Live push: messages leave only after commit, reach every stream, and respect the reader's role."""

from __future__ import annotations

import asyncio
import queue
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from property_console.config import Settings
from property_console.events import broadcaster_for, ingest, publish_after_commit, sse
from property_console.runtime import Runtime, open_runtime
from property_console.schemas.user import UserCreate
from property_console.security.roles import Role
from property_console.seed import DEMO_PASSWORD
from property_console.services.users import create_user
from tests.events.conftest import event_payload, run_async
from tests.web.conftest import LiveServer


def test_published_only_after_commit(runtime: Runtime) -> None:
    async def scenario() -> tuple[list[Any], str]:
        sub = broadcaster_for(runtime.engine).subscribe()
        with runtime.sessions() as db:
            ingest(db, event_payload(subject="rolled-back"))
            publish_after_commit(db, {"type": "extra"})
            db.rollback()  # rolled back: never announced
            kept = ingest(db, event_payload())
            db.commit()
        await asyncio.sleep(0.05)  # let the loop run the queued deliveries
        got: list[dict[str, Any]] = []
        while not sub.queue.empty():
            message = sub.queue.get_nowait()
            assert message is not None
            got.append(message)
        broadcaster_for(runtime.engine).unsubscribe(sub)
        return [(m["type"], m["data"].get("id") if m["type"] == "event" else None) for m in got], str(
            kept.event.id
        )

    got, kept_id = run_async(scenario())
    assert got == [("event", kept_id), ("device", None)]  # the door's status changed too


def test_slow_stream_is_told_to_resync(runtime: Runtime) -> None:
    async def scenario() -> bool:
        b = broadcaster_for(runtime.engine)
        sub = b.subscribe()
        for i in range(sub.queue.maxsize + 5):
            b.publish({"n": i})
        await asyncio.sleep(0.05)  # let the loop run the queued deliveries
        b.unsubscribe(sub)
        return sub.lagged

    assert run_async(scenario())


@pytest.fixture
def server(sqlite_template: Path, tmp_path: Path) -> Iterator[LiveServer]:
    import shutil

    shutil.copy(sqlite_template, tmp_path / "sc.db")
    rt = open_runtime(
        Settings(mode="test", data_dir=tmp_path, database_url=f"sqlite:///{tmp_path / 'sc.db'}")
    )
    with rt.sessions.begin() as db:
        create_user(
            db, UserCreate(username="edge", display_name="网关", role=Role.SYSTEM, password=DEMO_PASSWORD)
        )
    live = LiveServer(rt)
    live.start()
    yield live
    live.stop()
    rt.engine.dispose()


def _read_stream(
    server: LiveServer, username: str, out: queue.Queue[tuple[str, Any]], ready: threading.Event
) -> None:
    headers = {"Authorization": f"Bearer {server.token(username)}"}
    with httpx.stream("GET", f"{server.url}/api/events/stream", headers=headers, timeout=10) as r:
        out.put(("status", r.status_code))
        if r.status_code != 200:
            ready.set()
            return
        for kind, data in sse.messages(r.iter_lines()):
            if kind == "connected":
                ready.set()
                continue
            out.put((kind, data))
            if kind == "device":  # the last of the three messages one alarm event makes
                return


def test_sse_delivers_to_each_role_what_it_may_see(server: LiveServer) -> None:
    readers = {}
    for user in ("staff", "police"):
        out: queue.Queue[tuple[str, Any]] = queue.Queue()
        ready = threading.Event()
        threading.Thread(target=_read_stream, args=(server, user, out, ready), daemon=True).start()
        assert ready.wait(10)
        readers[user] = out
    body = event_payload("alarm")
    with server.client("edge") as edge:
        assert edge.post("/api/events", json=body).status_code == 201
    for user, out in readers.items():
        assert out.get(timeout=10) == ("status", 200)
        seen = [out.get(timeout=10) for _ in range(3)]
        kinds = [k for k, _ in seen]
        assert kinds == ["alarm", "event", "device"], (
            user,
            kinds,
        )  # the alarm first, so the event can name it
        assert seen[1][1]["id"] == body["id"] and seen[0][1]["detail"]["zone"] == "Z3"


def test_stream_refused_without_events_permission(server: LiveServer) -> None:
    for user in ("grid", "district"):
        headers = {"Authorization": f"Bearer {server.token(user)}"}
        assert httpx.get(f"{server.url}/api/events/stream", headers=headers).status_code == 403
