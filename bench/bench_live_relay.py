"""Live push across console processes: latency from commit in instance A to a stream in instance B, and
the ingest cost of writing live_messages, against baselines measured in the same run.

Baselines: latency — the in-process delivery of the same commit to a stream in A (what one worker gives);
cost — ingest() with the live_messages write switched off. Real databases: SQLite (WAL) file, and
PostgreSQL (LISTEN/NOTIFY) when SC_BENCH_PG_URL is set (e.g. postgresql+psycopg://postgres@127.0.0.1/test;
its public schema is replaced). Two engines in one process stand for two workers: separate pools,
broadcasters and relay threads, sharing only the database.
Run: .venv/bin/python bench/bench_live_relay.py [--n 200] [--reps 5]
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import os
import statistics
import tempfile
import time
import uuid
import warnings
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, event, text
from sqlalchemy.orm import Session

from property_console.config import Settings
from property_console.events import broadcaster_for, ingest, relay_for, stop_relay
from property_console.events import relay as relay_module
from property_console.runtime import Runtime, open_runtime
from property_console.seed import seed_demo

warnings.filterwarnings("ignore")


def payload() -> dict[str, Any]:
    return {
        "id": str(uuid.uuid4()),
        "kind": "door_pass",
        "device_serial": "DOOR-1-1-0001",
        "device_time": dt.datetime.now(dt.UTC).isoformat(),
        "subject": "P-1",
    }


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def line(name: str, ms: list[float]) -> str:
    return f"  {name:<34} median {statistics.median(ms):7.2f} ms  p95 {pct(ms, 0.95):7.2f}  p99 {pct(ms, 0.99):7.2f}"


async def latency(a: Runtime, b: Runtime, n: int) -> tuple[list[float], list[float]]:
    """Commit one event at a time in A; time until A's own stream and B's stream get it."""
    mine, theirs = broadcaster_for(a.engine).subscribe(), broadcaster_for(b.engine).subscribe()
    relay_for(b.engine).start()
    loop = asyncio.get_running_loop()
    local: list[float] = []
    remote: list[float] = []
    for _ in range(n):
        body = payload()

        def write(body: dict[str, Any] = body) -> float:
            with a.sessions.begin() as db:
                ingest(db, body)
            return time.perf_counter()

        committed = await loop.run_in_executor(None, write)
        for sub, out in ((mine, local), (theirs, remote)):
            while True:
                msg = await asyncio.wait_for(sub.queue.get(), 10)
                if msg and msg["type"] == "event" and msg["data"]["id"] == body["id"]:
                    out.append((time.perf_counter() - committed) * 1000)
                    break
    stop_relay(b.engine)
    return local, remote


def ingest_rate(rt: Runtime, n: int) -> float:
    start = time.perf_counter()
    for _ in range(n):
        with rt.sessions.begin() as db:
            ingest(db, payload())
    return n / (time.perf_counter() - start)


def run(url: str, label: str, n: int, reps: int, data: Path) -> None:
    a = open_runtime(Settings(mode="test", data_dir=data, database_url=url))
    with a.sessions.begin() as db:
        seed_demo(db, "C0001", "示范小区")
    b = open_runtime(Settings(mode="test", data_dir=data, database_url=url), migrate_db=False)
    local, remote = asyncio.run(latency(a, b, n))
    print(f"{label}: commit → stream, {n} events one at a time")
    print(line("baseline: same process (A → A)", local))
    print(line("other process via relay (A → B)", remote))
    print(f"  ratio of medians: {statistics.median(remote) / statistics.median(local):.1f}x")
    rates: dict[bool, list[float]] = {True: [], False: []}
    for _ in range(reps):  # alternate, so a busy neighbour on the machine hits both about equally
        rates[True].append(ingest_rate(a, n))
        event.remove(Session, "before_commit", relay_module._record_pending)
        try:
            rates[False].append(ingest_rate(a, n))
        finally:
            event.listen(Session, "before_commit", relay_module._record_pending)
    with_write, without = statistics.median(rates[True]), statistics.median(rates[False])
    print(f"  ingest, one event per transaction (median of {reps}x{n}):")
    print(f"    {with_write:.0f}/s with the live_messages write, baseline {without:.0f}/s without it")
    print(f"    ({with_write / without:.2f}x)")
    a.engine.dispose()
    b.engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=200)
    parser.add_argument("--reps", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        run(f"sqlite:///{tmp}/sc.db", "SQLite (polling every 0.1 s)", args.n, args.reps, Path(tmp))
        pg = os.environ.get("SC_BENCH_PG_URL")
        if pg:
            admin = create_engine(pg, isolation_level="AUTOCOMMIT")
            with admin.connect() as conn:
                conn.execute(text("DROP SCHEMA public CASCADE"))
                conn.execute(text("CREATE SCHEMA public"))
            admin.dispose()
            run(pg, "PostgreSQL (LISTEN/NOTIFY)", args.n, args.reps, Path(tmp))
        else:
            print("PostgreSQL: skipped (set SC_BENCH_PG_URL)")


if __name__ == "__main__":
    main()
