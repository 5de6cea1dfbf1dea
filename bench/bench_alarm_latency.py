"""Alarm latency, simulator input change → alarm on the bus → stored in the console DB → on a browser's SSE stream.

Plain script: `python bench/bench_alarm_latency.py [--trips 200] [--bus-only]`.
512 zones over 4 Modbus perimeter host simulators, polled over TCP, then over RTU (pseudo-terminal cables
paced at 115200 baud). Each short trip (`sim.pulse()`, 0 ms) is timed at three points of the same run:
the alarm event on the bus (the previous figure, now the baseline), the alarm committed in the console's
SQLite database by the bus bridge, and the `alarm` message read by an HTTP client of `/api/events/stream`
(what a browser gets), through the real `sc perimeter run` service (PerimeterService), BusBridge,
uvicorn and the console app. Also printed: one sequential poll cycle of all hosts (the polling floor).
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import httpx
import uvicorn

from devices.bus import BusClient, Event, InProcessBus
from devices.edge import EdgeBus
from devices.faults import PtyLink
from devices.modbus import PerimeterHostSimulator
from devices.net import free_port
from perimeter import state_machine as sm
from perimeter.bus_link import BusAlarmSink
from perimeter.config import SiteConfig, build_machine
from perimeter.linkage import Linkage
from perimeter.poller import Poller, adapter_for, read_host
from perimeter.service import PerimeterService
from property_console.api.app import create_app
from property_console.bus_bridge import BusBridge
from property_console.config import Settings
from property_console.events import sse
from property_console.runtime import Runtime, open_runtime
from property_console.schemas.user import UserCreate
from property_console.security.roles import Role
from property_console.server import StreamClosingServer
from property_console.services.users import create_user

HOSTS, PER_HOST = 4, 128


class Nothing:
    """Relays/cameras/doors that do nothing (their cost is not what is measured)."""

    def set(self, output_id: str, on: bool) -> None:
        pass

    def snapshot(self, camera_id: str, *, alarm_id: int, at: float) -> str:
        return ""

    def release(self, door_ids: object, *, reason: str) -> None:
        pass


def site(links: list[dict[str, Any]], interval: float, community: str = "default") -> SiteConfig:
    hosts = [
        {"id": f"H{h}", "inputs": PER_HOST, "poll_interval": interval, "timeout": 1.0, **links[h]}
        for h in range(HOSTS)
    ]
    zones = [
        {"id": f"z{h}-{i}", "partition": f"P{h}", "type": "perimeter", "host": f"H{h}", "input": i}
        for h in range(HOSTS)
        for i in range(1, PER_HOST + 1)
    ]
    parts = [{"id": f"P{h}", "exit_delay": 0} for h in range(HOSTS)]
    return SiteConfig.model_validate(
        {"community": community, "hosts": hosts, "partitions": parts, "zones": zones}
    )


def pct(xs: list[float], q: float) -> float:
    return sorted(xs)[min(len(xs) - 1, int(q * len(xs)))]


def run(name: str, sims: list[PerimeterHostSimulator], cfg: SiteConfig, trips: int) -> None:
    c50 = cycle_ms(cfg)
    devices = {h.id: adapter_for(h, retries=0) for h in cfg.hosts}
    hub = InProcessBus()
    bus = BusClient(hub.connect(), "bench")
    arrived: dict[str, float] = {}
    got = threading.Event()

    def on_alarm(e: Event) -> None:
        arrived[str(e.data["zone"])] = time.perf_counter()
        got.set()

    BusClient(hub.connect(), "bench").on_events(on_alarm, kind="alarm")
    sink, nothing = BusAlarmSink(bus, cfg), Nothing()
    link = Linkage(
        snapshots=nothing, relays=nothing, sink=sink, notifier=sink, doors=nothing, siren_outputs={}
    )
    poller = Poller(cfg, build_machine(cfg), devices, link)  # type: ignore[arg-type]
    for p in cfg.partitions:
        poller.submit(sm.Arm(partition_id=p.id, at=time.time(), who="bench"))
    stop = threading.Event()
    thread = threading.Thread(target=poller.run, args=(stop,), daemon=True)
    thread.start()
    time.sleep(0.5)
    rng = random.Random(1)
    zones = rng.sample([(n, i) for n in range(HOSTS) for i in range(1, PER_HOST + 1)], trips)
    lat, missed = [], 0
    for n, i in zones:
        time.sleep(rng.uniform(0, 0.05))  # decorrelate from the poll phase
        got.clear()
        t0 = time.perf_counter()
        sims[n].pulse(i)
        if not got.wait(5.0) or f"z{n}-{i}" not in arrived:
            missed += 1
            continue
        lat.append(arrived[f"z{n}-{i}"] - t0)
    stop.set()
    thread.join(10)
    ms = [x * 1000 for x in lat]
    print(
        f"{name}: trips={trips} missed={missed} latency p50={statistics.median(ms):.1f} ms "
        f"p95={pct(ms, 0.95):.1f} ms p99={pct(ms, 0.99):.1f} ms max={max(ms):.1f} ms | "
        f"baseline sequential poll cycle (4 hosts, 512 zones) p50={c50:.1f} ms | "
        f"ratio p50/cycle={statistics.median(ms) / c50:.2f}"
    )


def cycle_ms(cfg: SiteConfig) -> float:
    """Median of 20 sequential poll cycles of every host (what any polled design pays at least)."""
    devices = {h.id: adapter_for(h, retries=0) for h in cfg.hosts}
    cycle = []
    for _ in range(20):
        t0 = time.perf_counter()
        for h in cfg.hosts:
            read_host(devices[h.id], h.inputs)
        cycle.append(time.perf_counter() - t0)
    for d in devices.values():
        d.close()
    return statistics.median(cycle) * 1000


class Console:
    """A real console: SQLite file DB, bus bridge, uvicorn, and one SSE reader thread recording arrivals."""

    def __init__(self, hub: InProcessBus, community: str) -> None:
        data = Path(tempfile.mkdtemp(prefix="bench-perimeter-"))
        self.rt: Runtime = open_runtime(
            Settings(mode="test", data_dir=data, database_url=f"sqlite:///{data / 'sc.db'}")
        )
        with self.rt.sessions.begin() as db:
            user = UserCreate(
                username="duty", display_name="值班", role=Role.PROPERTY_STAFF, password="Bench@2026"
            )
            create_user(db, user)
        self.stored: dict[str, float] = {}
        self.sse: dict[str, float] = {}
        bridge = BusBridge(hub.connect(), community, self.rt.sessions)
        handle = bridge.handle

        def timed(messages: list[tuple[str, bytes]]) -> None:  # when the bridge's transaction has committed
            handle(messages)
            now = time.perf_counter()
            for topic, payload in messages:
                if topic.endswith("/event/alarm"):
                    zone = Event.model_validate_json(payload).data.get("zone")
                    self.stored.setdefault(str(zone), now)

        bridge.handle = timed  # type: ignore[method-assign]
        bridge.start()
        port = free_port()
        config = uvicorn.Config(
            create_app(self.rt.settings, self.rt.engine), host="127.0.0.1", port=port, log_level="warning"
        )
        self.server = StreamClosingServer(config, self.rt.engine)
        threading.Thread(target=self.server.run, daemon=True).start()
        while not self.server.started:
            time.sleep(0.05)
        self.url = f"http://127.0.0.1:{port}"
        login = {"username": "duty", "password": "Bench@2026"}
        self.token = httpx.post(f"{self.url}/api/auth/login", json=login).json()["token"]
        ready = threading.Event()
        threading.Thread(target=self._read, args=(ready,), daemon=True).start()
        ready.wait(10)

    def _read(self, ready: threading.Event) -> None:
        headers = {"Authorization": f"Bearer {self.token}"}
        with httpx.stream("GET", f"{self.url}/api/events/stream", headers=headers, timeout=None) as r:
            for kind, data in sse.messages(r.iter_lines()):
                if kind == "connected":
                    ready.set()
                elif kind == "alarm":
                    self.sse.setdefault(str(data["detail"].get("zone")), time.perf_counter())

    def stop(self) -> None:
        self.server.should_exit = True
        self.rt.engine.dispose()


def run_console(name: str, sims: list[PerimeterHostSimulator], cfg: SiteConfig, trips: int) -> None:
    """sim.pulse() → bus / console DB / SSE client, through PerimeterService and the console."""
    cycle = cycle_ms(cfg)
    hub = InProcessBus()
    bus_at: dict[str, float] = {}
    BusClient(hub.connect(), cfg.community).on_events(
        lambda e: bus_at.setdefault(str(e.data["zone"]), time.perf_counter()), kind="alarm"
    )
    console = Console(hub, cfg.community)
    edge = EdgeBus(hub.connect(), cfg.community, "perimeter", Path(tempfile.mkdtemp()), kind="perimeter")
    service = PerimeterService(cfg, edge).start()
    for p in cfg.partitions:
        service.poller.submit(sm.Arm(partition_id=p.id, at=time.time(), who="bench"))
    time.sleep(0.5)
    rng = random.Random(1)
    zones = rng.sample([(h, i) for h in range(HOSTS) for i in range(1, PER_HOST + 1)], trips)
    lat: dict[str, list[float]] = {"bus": [], "stored": [], "sse": []}
    late: list[str] = []
    for h, i in zones:
        time.sleep(rng.uniform(0, 0.05))  # decorrelate from the poll phase
        zid = f"z{h}-{i}"
        t0 = time.perf_counter()
        sims[h].pulse(i)
        end = time.monotonic() + 5
        while zid not in console.sse and time.monotonic() < end:
            time.sleep(0.001)
        if zid not in console.sse or zid not in bus_at or zid not in console.stored:
            late.append(zid)
            continue
        lat["bus"].append((bus_at[zid] - t0) * 1000)
        lat["stored"].append((console.stored[zid] - t0) * 1000)
        lat["sse"].append((console.sse[zid] - t0) * 1000)
    time.sleep(2.0)  # anything later than 5 s is counted as late, and as missed if it never came
    missing = {
        k: sum(z not in d for z in late)
        for k, d in (("bus", bus_at), ("db", console.stored), ("sse", console.sse))
    }
    service.stop()
    console.stop()
    print(
        f"{name}: {trips} short trips, {len(late)} over 5 s (never arrived: {missing}); "
        f"poll cycle of 4 hosts/512 zones p50={cycle:.1f} ms"
    )
    base = statistics.median(lat["bus"]) if lat["bus"] else float("nan")
    for label, key in (
        ("  baseline: alarm on the bus          ", "bus"),
        ("  alarm stored in the console DB      ", "stored"),
        ("  alarm on a browser's SSE stream     ", "sse"),
    ):
        ms = lat[key]
        if not ms:
            continue
        print(
            f"{label} p50={statistics.median(ms):6.1f} ms  p95={pct(ms, 0.95):6.1f} ms  "
            f"p99={pct(ms, 0.99):6.1f} ms  max={max(ms):6.1f} ms  p50/bus={statistics.median(ms) / base:.2f}"
        )


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--trips", type=int, default=200)
    ap.add_argument("--interval", type=float, default=0.05)
    ap.add_argument("--bus-only", action="store_true", help="the earlier bus-only figure (Poller alone)")
    args = ap.parse_args()
    measure = run if args.bus_only else run_console

    ports = [free_port() for _ in range(HOSTS)]
    sims = [PerimeterHostSimulator(PER_HOST).start_tcp("127.0.0.1", p) for p in ports]
    links = [{"transport": "tcp", "host": "127.0.0.1", "port": p} for p in ports]
    try:
        measure("modbus-tcp", sims, site(links, args.interval, "bench"), args.trips)
    finally:
        for s in sims:
            s.stop()

    ptys = [PtyLink(baudrate=115200) for _ in range(HOSTS)]
    sims = [PerimeterHostSimulator(PER_HOST).start_rtu(p.device_port, 115200) for p in ptys]
    links = [{"transport": "rtu", "serial_port": p.host_port, "baudrate": 115200} for p in ptys]
    try:
        measure("modbus-rtu 115200", sims, site(links, args.interval, "bench"), args.trips)
    finally:
        for s in sims:
            s.stop()
        for p in ptys:
            p.close()


if __name__ == "__main__":
    main()
