"""Alarm latency, simulator input change → alarm record published on the bus (console storage not included).

Plain script (not collected by pytest): `python tests/perimeter/bench_latency.py [--trips 200]`.
512 zones over 4 Modbus perimeter host simulators, polled by one Poller over TCP, then over RTU
(pseudo-terminal cables paced at 115200 baud). Baseline in the same run: one full poll cycle of all hosts
(the floor any polled design pays), so `ratio` = latency / cycle.
"""

from __future__ import annotations

import argparse
import random
import socket
import statistics
import threading
import time
from typing import Any

from devices.bus import BusClient, Event, InProcessBus
from devices.faults import PtyLink
from devices.modbus import PerimeterHostSimulator
from perimeter import state_machine as sm
from perimeter.bus_link import BusAlarmSink
from perimeter.config import SiteConfig, build_machine
from perimeter.linkage import Linkage
from perimeter.poller import Poller, adapter_for, read_host

HOSTS, PER_HOST = 4, 128


class Nothing:
    """Relays/cameras/doors that do nothing (their cost is not what is measured)."""

    def set(self, output_id: str, on: bool) -> None:
        pass

    def snapshot(self, camera_id: str, *, alarm_id: int, at: float) -> str:
        return ""

    def release(self, door_ids: object, *, reason: str) -> None:
        pass


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def site(links: list[dict[str, Any]], interval: float) -> SiteConfig:
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
    return SiteConfig.model_validate({"hosts": hosts, "partitions": parts, "zones": zones})


def pct(xs: list[float], q: float) -> float:
    return sorted(xs)[min(len(xs) - 1, int(q * len(xs)))]


def run(name: str, sims: list[PerimeterHostSimulator], cfg: SiteConfig, trips: int) -> None:
    devices = {h.id: adapter_for(h, retries=0) for h in cfg.hosts}
    cycle = []
    for _ in range(20):
        t0 = time.perf_counter()
        for h in cfg.hosts:
            read_host(devices[h.id], h.inputs)
        cycle.append(time.perf_counter() - t0)
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
    zones = rng.sample([(h, i) for h in range(HOSTS) for i in range(1, PER_HOST + 1)], trips)
    lat, missed = [], 0
    for h, i in zones:
        time.sleep(rng.uniform(0, 0.05))  # decorrelate from the poll phase
        got.clear()
        t0 = time.perf_counter()
        sims[h].pulse(i)
        if not got.wait(5.0) or f"z{h}-{i}" not in arrived:
            missed += 1
            continue
        lat.append(arrived[f"z{h}-{i}"] - t0)
    stop.set()
    thread.join(10)
    ms = [x * 1000 for x in lat]
    c50 = statistics.median(cycle) * 1000
    print(
        f"{name}: trips={trips} missed={missed} latency p50={statistics.median(ms):.1f} ms "
        f"p95={pct(ms, 0.95):.1f} ms p99={pct(ms, 0.99):.1f} ms max={max(ms):.1f} ms | "
        f"baseline sequential poll cycle (4 hosts, 512 zones) p50={c50:.1f} ms | "
        f"ratio p50/cycle={statistics.median(ms) / c50:.2f}"
    )


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--trips", type=int, default=200)
    ap.add_argument("--interval", type=float, default=0.05)
    args = ap.parse_args()

    ports = [free_port() for _ in range(HOSTS)]
    sims = [PerimeterHostSimulator(PER_HOST).start_tcp("127.0.0.1", p) for p in ports]
    links = [{"transport": "tcp", "host": "127.0.0.1", "port": p} for p in ports]
    try:
        run("modbus-tcp", sims, site(links, args.interval), args.trips)
    finally:
        for s in sims:
            s.stop()

    ptys = [PtyLink(baudrate=115200) for _ in range(HOSTS)]
    sims = [PerimeterHostSimulator(PER_HOST).start_rtu(p.device_port, 115200) for p in ptys]
    links = [{"transport": "rtu", "serial_port": p.host_port, "baudrate": 115200} for p in ptys]
    try:
        run("modbus-rtu 115200", sims, site(links, args.interval), args.trips)
    finally:
        for s in sims:
            s.stop()
        for p in ptys:
            p.close()


if __name__ == "__main__":
    main()
