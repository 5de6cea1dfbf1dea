"""Event ingest benchmark: events per second through ingest() and through the HTTP route, and SSE delivery
latency from POST to a browser stream, against baselines measured in the same run.

Baselines: a bare SQLAlchemy Core INSERT of the same event rows (no validation, no idempotency check, no device
update, no broadcast) in the same transaction shape; for latency, the plain HTTP round trip of the POST itself.
Everything is real: SQLite (WAL) file database, uvicorn on a loopback port, httpx clients.
Run: .venv/bin/python bench/bench_event_ingest.py [--n 300] [--reps 3]
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import tempfile
import threading
import time
import uuid
import warnings
from pathlib import Path
from typing import Any

import httpx
import uvicorn
from sqlalchemy import insert

from property_console.api.app import create_app
from property_console.config import Settings
from property_console.events import ingest, sse
from property_console.events.schemas import EventIn
from property_console.models import Event
from property_console.runtime import Runtime, open_runtime
from property_console.schemas.user import UserCreate
from property_console.security.roles import Role
from property_console.seed import DEMO_PASSWORD, seed_demo
from property_console.server import StreamClosingServer
from property_console.services.users import create_user

warnings.filterwarnings("ignore")


def payloads(n: int) -> list[dict[str, Any]]:
    now = dt.datetime.now(dt.UTC)
    return [
        {
            "id": str(uuid.uuid4()),
            "kind": "door_pass",
            "device_serial": "DOOR-1-1-0001",
            "device_time": (now + dt.timedelta(milliseconds=i)).isoformat(),
            "subject": f"P-{i:05d}",
            "subject_name": "王伟",
            "decision": "granted",
            "detail": {"score": 0.91, "liveness": 0.98},
        }
        for i in range(n)
    ]


def bare_rows(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    out = []
    for p in items:
        e = EventIn.model_validate(p)  # parsed outside the timed part: the floor is the INSERT alone
        out.append(
            {
                "id": e.id,
                "kind": e.kind,
                "device_serial": e.device_serial,
                "device_time": e.device_time,
                "received_at": dt.datetime.now(dt.UTC),
                "subject": e.subject,
                "subject_name": e.subject_name,
                "decision": e.decision,
                "detail": e.detail,
            }
        )
    return out


def rate(n: int, seconds: float) -> float:
    return n / seconds


def time_bare(rt: Runtime, n: int, per_event: bool) -> float:
    rows = bare_rows(payloads(n))
    t = time.perf_counter()
    if per_event:
        for row in rows:
            with rt.engine.begin() as conn:
                conn.execute(insert(Event), [row])
    else:
        with rt.engine.begin() as conn:
            conn.execute(insert(Event), rows)
    return rate(n, time.perf_counter() - t)


def time_ingest(rt: Runtime, n: int, per_event: bool) -> float:
    items = payloads(n)
    t = time.perf_counter()
    if per_event:
        for p in items:
            with rt.sessions.begin() as db:
                ingest(db, p)
    else:
        with rt.sessions.begin() as db:
            for p in items:
                ingest(db, p)
    return rate(n, time.perf_counter() - t)


def time_http(client: httpx.Client, n: int, batch: int) -> float:
    items = payloads(n)
    t = time.perf_counter()
    if batch == 1:
        for p in items:
            client.post("/api/events", json=p).raise_for_status()
    else:
        for i in range(0, n, batch):
            client.post("/api/events/batch", json=items[i : i + batch]).raise_for_status()
    return rate(n, time.perf_counter() - t)


def sse_latency(url: str, token: str, client: httpx.Client, n: int) -> tuple[list[float], list[float]]:
    """Milliseconds from just before each POST to its arrival on an open stream; and the POST round trips."""
    sent: dict[str, float] = {}
    latencies: list[float] = []
    ready, done = threading.Event(), threading.Event()

    def read() -> None:
        headers = {"Authorization": f"Bearer {token}"}
        with httpx.stream("GET", f"{url}/api/events/stream", headers=headers, timeout=30) as r:
            for kind, data in sse.messages(r.iter_lines()):
                if kind == "connected":
                    ready.set()
                elif kind == "event":
                    arrived = time.perf_counter()
                    event_id = data["id"]
                    if event_id in sent:
                        latencies.append((arrived - sent[event_id]) * 1000)
                    if len(latencies) >= n:
                        done.set()
                        return

    threading.Thread(target=read, daemon=True).start()
    ready.wait(10)
    round_trips = []
    for p in payloads(n):
        sent[p["id"]] = t = time.perf_counter()
        client.post("/api/events", json=p).raise_for_status()
        round_trips.append((time.perf_counter() - t) * 1000)
        time.sleep(0.005)  # one event at a time, as a door reports them
    done.wait(30)
    return latencies, round_trips


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=300)
    parser.add_argument("--reps", type=int, default=3)
    args = parser.parse_args()
    data = Path(tempfile.mkdtemp(prefix="bench-events-"))
    rt = open_runtime(Settings(mode="test", data_dir=data, database_url=f"sqlite:///{data / 'sc.db'}"))
    with rt.sessions.begin() as db:
        seed_demo(db, "C0001", "示范小区")
        create_user(
            db, UserCreate(username="edge", display_name="网关", role=Role.SYSTEM, password=DEMO_PASSWORD)
        )
    port = 18000 + uuid.uuid4().int % 1000
    config = uvicorn.Config(
        create_app(rt.settings, rt.engine), host="127.0.0.1", port=port, log_level="warning"
    )
    server = StreamClosingServer(config, rt.engine)
    threading.Thread(target=server.run, daemon=True).start()
    while not server.started:
        time.sleep(0.05)
    url = f"http://127.0.0.1:{port}"
    token = httpx.post(f"{url}/api/auth/login", json={"username": "edge", "password": DEMO_PASSWORD}).json()[
        "token"
    ]
    staff = httpx.post(f"{url}/api/auth/login", json={"username": "staff", "password": DEMO_PASSWORD}).json()
    client = httpx.Client(base_url=url, headers={"Authorization": f"Bearer {token}"})

    n, reps = args.n, args.reps
    rows: list[tuple[str, float, float]] = []
    for label, fn, base in (
        (
            "ingest(), one transaction per event",
            lambda: time_ingest(rt, n, True),
            lambda: time_bare(rt, n, True),
        ),
        (
            "ingest(), one transaction for all",
            lambda: time_ingest(rt, n, False),
            lambda: time_bare(rt, n, False),
        ),
        (
            "HTTP POST /api/events, one by one",
            lambda: time_http(client, n, 1),
            lambda: time_bare(rt, n, True),
        ),
        (
            "HTTP POST /api/events/batch (100)",
            lambda: time_http(client, n, 100),
            lambda: time_bare(rt, n, False),
        ),
    ):
        measured = statistics.median(fn() for _ in range(reps))
        baseline = statistics.median(base() for _ in range(reps))
        rows.append((label, measured, baseline))
    print(f"SQLite (WAL), {n} door_pass events per run, median of {reps} runs; baseline = bare Core INSERT")
    print(f"{'path':40} {'events/s':>10} {'baseline/s':>11} {'ratio':>7}")
    for label, measured, baseline in rows:
        print(f"{label:40} {measured:10.0f} {baseline:11.0f} {measured / baseline:7.2f}")

    latencies, round_trips = sse_latency(url, staff["token"], client, n)
    print(
        f"\nSSE delivery, {len(latencies)}/{n} events seen on an open stream (ms from before POST to arrival)"
    )
    print(f"{'':22} {'p50':>7} {'p99':>7}")
    print(f"{'SSE delivery':22} {pct(latencies, 0.5):7.2f} {pct(latencies, 0.99):7.2f}")
    print(f"{'POST round trip (base)':22} {pct(round_trips, 0.5):7.2f} {pct(round_trips, 0.99):7.2f}")
    print(
        f"{'ratio':22} {pct(latencies, 0.5) / pct(round_trips, 0.5):7.2f} {pct(latencies, 0.99) / pct(round_trips, 0.99):7.2f}"
    )
    client.close()
    server.should_exit = True


if __name__ == "__main__":
    main()
