"""Event ingest benchmark: events per second through ingest(), from the bus (a real Mosquitto) and over HTTP
(16 concurrent clients sharing two doors, batches of 50), each beside a baseline measured in the same run, on
SQLite (WAL) and PostgreSQL; then SSE delivery latency from POST to a browser stream. The bus publisher and the
HTTP server each run in a process of their own, so the bridge's figure is not shared with its publisher.

Baselines: a bare SQLAlchemy Core INSERT of the same event rows (no validation, no idempotency, no device
update, no outbox, no live push) in the same transaction shape; for latency, the plain HTTP round trip.
Run: .venv/bin/python bench/bench_event_ingest.py [--n 2000] [--bus-n 5000] [--reps 3] [--db sqlite|postgresql|both]
"""

from __future__ import annotations

import argparse
import concurrent.futures
import datetime as dt
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
import warnings
from collections import Counter
from pathlib import Path
from typing import Any

import httpx
import uvicorn
from sqlalchemy import create_engine, insert, text

from devices.bus import MqttSettings, MqttTransport
from devices.net import free_port
from property_console.api.app import create_app
from property_console.bus_bridge import BATCH_MAX, BusBridge
from property_console.config import Settings
from property_console.events import ingest, sse
from property_console.events.ingest import ingest_many
from property_console.events.schemas import EventIn
from property_console.models import Event
from property_console.runtime import Runtime, open_runtime
from property_console.schemas.user import UserCreate
from property_console.security.roles import Role
from property_console.seed import DEMO_PASSWORD, seed_demo
from property_console.server import StreamClosingServer
from property_console.services.users import create_user

warnings.filterwarnings("ignore")
PG_ADMIN = os.environ.get("SC_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
DOORS = ("DOOR-1-1-0001", "DOOR-2-1-0002")
CLIENTS, HTTP_BATCH = 16, 50
ROOT = Path(__file__).resolve().parents[1]


def payloads(n: int) -> list[dict[str, Any]]:
    now = dt.datetime.now(dt.UTC)
    return [
        {
            "id": str(uuid.uuid4()),
            "kind": "door_pass",
            "device_serial": DOORS[i % 2],
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


def time_bare(rt: Runtime, n: int, batch: int) -> float:
    rows = bare_rows(payloads(n))
    t = time.perf_counter()
    for i in range(0, n, batch):
        with rt.engine.begin() as conn:
            conn.execute(insert(Event), rows[i : i + batch])
    return n / (time.perf_counter() - t)


def time_ingest(rt: Runtime, n: int, batch: int) -> float:
    items = payloads(n)
    t = time.perf_counter()
    for i in range(0, n, batch):
        with rt.sessions.begin() as db:
            if batch == 1:
                ingest(db, items[i])
            else:
                ingest_many(db, items[i : i + batch])
    return n / (time.perf_counter() - t)


class Broker:
    """A throwaway Mosquitto on a free port; the in-flight window raised so the bridge can batch."""

    def __init__(self, workdir: Path) -> None:
        self.port = free_port()
        conf = workdir / "mosquitto.conf"
        conf.write_text(
            f"listener {self.port} 127.0.0.1\nallow_anonymous true\nmax_inflight_messages 1000\n"
            "max_queued_messages 100000\n"
        )
        binary = shutil.which("mosquitto") or "/usr/sbin/mosquitto"
        self.proc = subprocess.Popen([binary, "-c", str(conf)], stderr=subprocess.DEVNULL)
        time.sleep(0.5)

    def transport(self) -> MqttTransport:
        return MqttTransport(MqttSettings(host="127.0.0.1", port=self.port))

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait(10)


PUBLISHER = """
import datetime as dt, sys
from devices.bus import Event, MqttSettings, MqttTransport
from devices.bus.topics import event_topic
port, n, doors = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3].split(",")
edge = MqttTransport(MqttSettings(host="127.0.0.1", port=port)).start()
edge.wait_connected()
now = dt.datetime.now(dt.UTC)
data = {"subject_name": "王伟", "decision": "granted", "detail": {"score": 0.9}}
messages = [
    (
        event_topic("C0001", doors[i % 2], "door_pass"),
        Event(device_id=doors[i % 2], kind="door_pass", ts=now + dt.timedelta(milliseconds=i),
              data={**data, "subject": f"P-{i}"}).to_bytes(),
    )
    for i in range(n)
]
print("ready", flush=True)
sys.stdin.readline()
for topic, body in messages:
    edge.publish(topic, body, qos=1)
sys.stdin.readline()
edge.stop()
"""


def time_bus(rt: Runtime, broker: Broker, n: int) -> float:
    """From the first publish until the bridge stored all n. The edge publishes from its own process (as a
    door does), as fast as its client can, so the figure is the bridge's and not shared with the publisher."""
    console = broker.transport()
    bridge = BusBridge(console, "C0001", rt.sessions).start()
    console.start().wait_connected()
    edge = subprocess.Popen(
        [sys.executable, "-c", PUBLISHER, str(broker.port), str(n), ",".join(DOORS)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        cwd=ROOT,
    )
    assert edge.stdin is not None and edge.stdout is not None
    if edge.stdout.readline().strip() != "ready":
        raise RuntimeError("bench publisher did not start")
    t = time.perf_counter()
    edge.stdin.write("go\n")
    edge.stdin.flush()
    while bridge.stored + bridge.rejected < n and time.perf_counter() - t < 120:
        time.sleep(0.005)
    seconds = time.perf_counter() - t
    done = bridge.stored
    edge.communicate("stop\n", timeout=30)
    bridge.stop()
    console.stop()
    if done < n:
        print(f"  (bus: only {done}/{n} stored within 120 s)")
    return done / seconds


def serve(rt: Runtime) -> tuple[StreamClosingServer, str]:
    port = free_port()
    config = uvicorn.Config(
        create_app(rt.settings, rt.engine), host="127.0.0.1", port=port, log_level="error"
    )
    server = StreamClosingServer(config, rt.engine)
    threading.Thread(target=server.run, daemon=True).start()
    while not server.started:
        time.sleep(0.05)
    return server, f"http://127.0.0.1:{port}"


def serve_process(rt: Runtime) -> tuple[subprocess.Popen[bytes], str]:
    """One uvicorn worker in its own process, as `sc serve` runs it (clients here do not share its GIL)."""
    port = free_port()
    env = {
        **os.environ,
        "SC_MODE": "test",
        "SC_DATABASE_URL": rt.settings.effective_database_url,
        "SC_DATA_DIR": str(rt.settings.data_dir),
        "SC_MQTT_URL": "",
    }
    cmd = [sys.executable, "-m", "uvicorn", "--factory", "property_console.asgi:create", "--port", str(port)]
    proc = subprocess.Popen([*cmd, "--log-level", "error"], env=env)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            httpx.get(f"{url}/api/health", timeout=1).raise_for_status()
            return proc, url
        except httpx.HTTPError:
            time.sleep(0.1)
    proc.kill()
    raise RuntimeError("uvicorn did not start")


def http_concurrent(url: str, token: str, n: int) -> dict[str, Any]:
    """CLIENTS threads, each posting batches of HTTP_BATCH events of the same two doors."""
    items = payloads(n)
    batches = [items[i : i + HTTP_BATCH] for i in range(0, n, HTTP_BATCH)]
    codes: Counter[int] = Counter()
    latencies: list[float] = []
    lock = threading.Lock()

    def client(part: list[list[dict[str, Any]]]) -> None:
        with httpx.Client(base_url=url, headers={"Authorization": f"Bearer {token}"}, timeout=120) as http:
            for batch in part:
                s = time.perf_counter()
                r = http.post("/api/events/batch", json=batch)
                with lock:
                    latencies.append(time.perf_counter() - s)
                    codes[r.status_code] += 1

    parts = [batches[c::CLIENTS] for c in range(CLIENTS)]
    t = time.perf_counter()
    with concurrent.futures.ThreadPoolExecutor(CLIENTS) as pool:
        list(pool.map(client, parts))
    seconds = time.perf_counter() - t
    return {
        "rate": n / seconds,
        "p50": statistics.median(latencies) * 1000,
        "p99": pct(latencies, 0.99) * 1000,
        "5xx": sum(v for k, v in codes.items() if k >= 500),
        "409": codes.get(409, 0),
    }


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
                    if data["id"] in sent:
                        latencies.append((arrived - sent[data["id"]]) * 1000)
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


def fresh_url(kind: str, tmp: Path) -> str:
    if kind == "sqlite":
        return f"sqlite:///{tmp / f'{uuid.uuid4().hex}.db'}"
    name = f"sc_bench_{uuid.uuid4().hex[:8]}"
    with create_engine(PG_ADMIN, isolation_level="AUTOCOMMIT").connect() as c:
        c.execute(text(f'CREATE DATABASE "{name}"'))
    return PG_ADMIN.rsplit("/", 1)[0] + "/" + name


def drop(url: str) -> None:
    if url.startswith("postgresql"):
        with create_engine(PG_ADMIN, isolation_level="AUTOCOMMIT").connect() as c:
            c.execute(text(f'DROP DATABASE IF EXISTS "{url.rsplit("/", 1)[1]}" WITH (FORCE)'))


def run(kind: str, n: int, bus_n: int, reps: int, tmp: Path, broker: Broker, with_sse: bool) -> None:
    url = fresh_url(kind, tmp)
    rt = open_runtime(Settings(mode="test", data_dir=tmp, database_url=url))
    with rt.sessions.begin() as db:
        seed_demo(db, "C0001", "示范小区")
        create_user(
            db, UserCreate(username="edge", display_name="网关", role=Role.SYSTEM, password=DEMO_PASSWORD)
        )
    server, base = serve(rt)
    token = httpx.post(f"{base}/api/auth/login", json={"username": "edge", "password": DEMO_PASSWORD}).json()[
        "token"
    ]
    rows: list[tuple[str, float, float]] = []
    per_event = max(200, n // 5)
    for label, fn, floor in (
        (
            f"ingest(), one transaction per event ({per_event})",
            lambda: time_ingest(rt, per_event, 1),
            lambda: time_bare(rt, per_event, 1),
        ),
        ("ingest_many(), batches of 50", lambda: time_ingest(rt, n, 50), lambda: time_bare(rt, n, 50)),
        ("ingest_many(), batches of 500", lambda: time_ingest(rt, n, 500), lambda: time_bare(rt, n, 500)),
        (
            f"bus → bridge (Mosquitto, QoS 1, {bus_n})",
            lambda: time_bus(rt, broker, bus_n),
            lambda: time_bare(rt, bus_n, BATCH_MAX),
        ),
    ):
        measured = statistics.median(fn() for _ in range(reps))
        baseline = statistics.median(floor() for _ in range(reps))
        rows.append((label, measured, baseline))
    print(
        f"\n== {kind}: {n} door_pass events per run, median of {reps}; baseline = bare Core INSERT, same shape =="
    )
    print(f"{'path':46} {'events/s':>9} {'baseline/s':>11} {'ratio':>6}")
    for label, measured, baseline in rows:
        print(f"{label:46} {measured:9.0f} {baseline:11.0f} {measured / baseline:6.2f}")

    worker, worker_url = serve_process(rt)
    try:
        http = [http_concurrent(worker_url, token, n) for _ in range(reps)]
    finally:
        worker.terminate()
        worker.wait(10)
    bare = statistics.median(time_bare(rt, n, HTTP_BATCH) for _ in range(reps))
    rate = statistics.median(h["rate"] for h in http)
    print(
        f"\nHTTP POST /api/events/batch, {CLIENTS} clients, batches of {HTTP_BATCH}, two shared doors, "
        "one uvicorn worker process"
    )
    print(
        f"{'events/s':>9} {'baseline/s':>11} {'ratio':>6} {'p50 ms':>7} {'p99 ms':>7} {'5xx':>4} {'409':>4}"
    )
    print(
        f"{rate:9.0f} {bare:11.0f} {rate / bare:6.2f} {statistics.median(h['p50'] for h in http):7.1f} "
        f"{max(h['p99'] for h in http):7.1f} {sum(h['5xx'] for h in http):4d} {sum(h['409'] for h in http):4d}"
    )
    if with_sse:
        staff = httpx.post(
            f"{base}/api/auth/login", json={"username": "staff", "password": DEMO_PASSWORD}
        ).json()
        client = httpx.Client(base_url=base, headers={"Authorization": f"Bearer {token}"})
        latencies, trips = sse_latency(base, staff["token"], client, 200)
        print(f"\nSSE delivery, {len(latencies)}/200 events seen on an open stream (ms from before POST)")
        print(f"{'':22} {'p50':>7} {'p99':>7}")
        print(f"{'SSE delivery':22} {pct(latencies, 0.5):7.2f} {pct(latencies, 0.99):7.2f}")
        print(f"{'POST round trip (base)':22} {pct(trips, 0.5):7.2f} {pct(trips, 0.99):7.2f}")
        client.close()
    server.should_exit = True
    time.sleep(0.5)
    rt.engine.dispose()
    drop(url)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=2000)
    parser.add_argument("--reps", type=int, default=3)
    parser.add_argument(
        "--bus-n",
        type=int,
        default=5000,
        help="events per bus run (long enough to outlast the bridge's ramp-up)",
    )
    parser.add_argument("--db", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--sse", action="store_true", help="also measure SSE delivery latency")
    args = parser.parse_args()
    print(f"load average before: {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs")
    with tempfile.TemporaryDirectory(prefix="bench-events-") as tmp:
        broker = Broker(Path(tmp))
        try:
            for kind in ["sqlite", "postgresql"] if args.db == "both" else [args.db]:
                run(kind, args.n, args.bus_n, args.reps, Path(tmp), broker, args.sse)
        finally:
            broker.stop()
    print(f"\nload average after: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
