"""Batch ingest: per-item outcomes, bad items kept as rejects, concurrent batches of one device over real HTTP."""

from __future__ import annotations

import concurrent.futures
import datetime as dt
import json
import uuid
from collections import Counter
from typing import Any

import httpx
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from property_console.events.ingest import ingest_many
from property_console.models import Device, Event, EventReject
from property_console.runtime import Runtime
from property_console.schemas.user import UserCreate
from property_console.security.roles import Role
from property_console.seed import DEMO_PASSWORD
from property_console.services.users import create_user
from tests.events.conftest import event_payload
from tests.web.conftest import LiveServer

DOORS = ("DOOR-1-1-0001", "DOOR-2-1-0002")  # two demo doors every client shares


def _utc(t: dt.datetime | None) -> dt.datetime | None:
    return t.replace(tzinfo=dt.UTC) if t is not None and t.tzinfo is None else t  # SQLite drops the zone


def _count(rt: Runtime, model: type) -> int:
    with rt.sessions() as db:
        return int(db.execute(select(func.count()).select_from(model)).scalar_one())


def _mixed_batch() -> tuple[list[dict[str, Any]], list[str]]:
    """Two good events, four bad ones, one repeated UUID; and the statuses the console must answer."""
    good = event_payload()
    items = [
        good,
        event_payload(subject="P-\x000001"),  # NUL: PostgreSQL text cannot hold it
        event_payload(device_time="2026-12-04 25:61"),  # not a time
        event_payload(kind="teleport"),
        event_payload(subject_name="王\ud800伟"),  # a lone surrogate: not encodable as UTF-8
        event_payload("door_refused", decision="refused"),
        good,  # the same UUID again in the same batch
    ]
    return items, ["stored", "rejected", "rejected", "rejected", "rejected", "stored", "duplicate"]


def test_one_bad_item_never_blocks_the_good_ones(runtime: Runtime) -> None:
    items, expected = _mixed_batch()
    with runtime.sessions() as db:
        outcomes = ingest_many(db, items, source="test")
        db.commit()
    assert [o.status for o in outcomes] == expected
    assert [o.id for o in outcomes] == [i["id"] for i in items]  # answers carry the ids the items claimed
    assert _count(runtime, Event) == 2
    with runtime.sessions() as db:
        kept = list(db.execute(select(EventReject)).scalars())
    assert len(kept) == 4
    assert all(r.source == "test" and r.errors for r in kept)
    nul = next(r for r in kept if items[1]["id"] in r.payload)
    assert nul.errors[0]["code"] == "text.nul" and nul.errors[0]["field"] == "subject"
    assert "\\u0000" in nul.payload  # where the NUL was, visibly


def test_repeat_of_a_stored_event_is_a_duplicate_not_an_error(runtime: Runtime) -> None:
    body = event_payload("alarm")
    with runtime.sessions() as db:
        (first,) = ingest_many(db, [body])
        db.commit()
    with runtime.sessions() as db:
        again, other = ingest_many(db, [body, event_payload()])
        db.commit()
    assert (first.status, again.status, other.status) == ("stored", "duplicate", "stored")
    assert first.ingested and again.ingested and first.ingested.alarm and again.ingested.alarm
    assert again.ingested.alarm.id == first.ingested.alarm.id
    assert _count(runtime, Event) == 2 and _count(runtime, EventReject) == 0


def test_http_batch_answers_each_item_with_its_reason(edge: TestClient, runtime: Runtime) -> None:
    items, expected = _mixed_batch()
    body = json.dumps(items).encode()  # ASCII escapes: the lone surrogate travels as \ud800
    r = edge.post("/api/events/batch", content=body, headers={"Content-Type": "application/json"})
    assert r.status_code == 200, r.text
    results = r.json()
    assert [x["status"] for x in results] == expected
    for x in results:
        if x["status"] == "rejected":
            assert x["errors"] and all(e["message_zh"] and e["message_en"] for e in x["errors"])
        else:
            assert x["errors"] == []
    assert _count(runtime, EventReject) == 4


def test_last_seen_moves_without_touching_the_row_version(runtime: Runtime) -> None:
    with runtime.sessions() as db:
        before = db.execute(select(Device).where(Device.serial == DOORS[0])).scalar_one()
    when = dt.datetime(2030, 1, 2, 3, 4, 5, tzinfo=dt.timezone(dt.timedelta(hours=8)))
    with runtime.sessions.begin() as db:
        ingest_many(db, [event_payload(device_time=when.isoformat())])
    with runtime.sessions() as db:
        after = db.execute(select(Device).where(Device.serial == DOORS[0])).scalar_one()
    assert after.version == before.version  # an operator's open edit form is not made stale by events
    assert _utc(after.last_seen_at) == dt.datetime(2030, 1, 1, 19, 4, 5, tzinfo=dt.UTC)
    assert after.status == "online"


def test_concurrent_batches_of_shared_devices_all_stored(runtime: Runtime) -> None:
    """16 clients at once, batches of 50 on the same two doors: no 5xx, no 409, every event stored once."""
    with runtime.sessions.begin() as db:
        create_user(
            db,
            UserCreate(username="edge01", display_name="边缘网关", role=Role.SYSTEM, password=DEMO_PASSWORD),
        )
    server = LiveServer(runtime)
    server.start()
    clients, batches, size = 16, 4, 50
    headers = {"Authorization": f"Bearer {server.token('edge01')}"}  # one login: hashing is not under test
    start = dt.datetime(2031, 5, 1, tzinfo=dt.UTC)

    def client_run(c: int) -> list[tuple[int, list[str]]]:
        answers = []
        with httpx.Client(base_url=server.url, headers=headers) as http:
            for b in range(batches):
                items = [
                    event_payload(
                        id=str(uuid.uuid4()),
                        device_serial=DOORS[i % 2],
                        device_time=(start + dt.timedelta(seconds=c * 1000 + b * size + i)).isoformat(),
                    )
                    for i in range(size)
                ]
                r = http.post("/api/events/batch", json=items, timeout=httpx.Timeout(120))
                answers.append(
                    (r.status_code, [x["status"] for x in r.json()] if r.status_code == 200 else [])
                )
        return answers

    try:
        with concurrent.futures.ThreadPoolExecutor(clients) as pool:
            answers = [a for got in pool.map(client_run, range(clients)) for a in got]
    finally:
        server.stop()
    assert Counter(code for code, _ in answers) == {200: clients * batches}
    assert Counter(s for _, statuses in answers for s in statuses) == {"stored": clients * batches * size}
    assert _count(runtime, Event) == clients * batches * size
    newest = start + dt.timedelta(seconds=(clients - 1) * 1000 + (batches - 1) * size + size - 1)
    with runtime.sessions() as db:
        seen = db.execute(select(Device.last_seen_at).where(Device.serial == DOORS[1])).scalar_one()
    assert _utc(seen) == newest  # the newest event, an odd index
