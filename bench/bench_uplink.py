"""Uplink benchmark: records/s delivered by the outbox loop, and lag at a steady offered load.

Setup: console on SQLite (the edge box), the district receiver as a separate uvicorn process (PostgreSQL when
reachable, else SQLite), real HTTP with digest auth, batches of 500 person records.
Baseline in the same run: the same VIID request bodies, pre-encoded, POSTed raw with httpx + digest to the same
receiver (as another community, so nothing is a duplicate) — the ceiling of the receiver and the wire, without
reading, encoding and settling the outbox.
With a mosquitto binary on the machine it also times the MQTT transport (private broker, district intake in
the receiver process).
Run: .venv/bin/python bench/bench_uplink.py [--n 20000] [--rate 1000] [--seconds 15]
"""

from __future__ import annotations

import argparse
import datetime as dt
import getpass
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
import warnings
from pathlib import Path

import httpx
from sqlalchemy import create_engine, func, select, text

from devices.net import free_port
from district_cloud import admin
from district_cloud.config import DistrictSettings
from district_cloud.db import open_district
from property_console.config import Settings
from property_console.models import OutboxEntry, Person
from property_console.runtime import Runtime, open_runtime
from property_console.uplink.batch import encode_batch
from property_console.uplink.delivery import UplinkWorker
from property_console.uplink.outbox import pending
from property_console.uplink.settings import UplinkSettings
from property_console.uplink.transport import HttpTransport
from property_console.uplink.viid import wrap
from property_console.validators.id_number import make_id_number

warnings.filterwarnings("ignore")
PG_ADMIN = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
PASSWORD = "bench-Uplink-1"
ROOT = Path(__file__).resolve().parents[1]
BATCH = 500


def pg_up() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 5432), timeout=1):
            return True
    except OSError:
        return False


def district_url(tmp: Path) -> str:
    if not pg_up():
        return f"sqlite:///{tmp / 'district.db'}"
    name = f"scd_bench_{uuid.uuid4().hex[:8]}"
    with create_engine(PG_ADMIN, isolation_level="AUTOCOMMIT").connect() as c:
        c.execute(text(f'CREATE DATABASE "{name}"'))
    return PG_ADMIN.rsplit("/", 1)[0] + "/" + name


def start_mosquitto(tmp: Path) -> tuple[subprocess.Popen[bytes], str] | None:
    """A private Mosquitto (anonymous, localhost) for the MQTT figure; None when the binary is missing."""
    binary = shutil.which("mosquitto") or "/usr/sbin/mosquitto"
    if not os.access(binary, os.X_OK):
        return None
    port = free_port()
    conf = tmp / "mosquitto.conf"
    conf.write_text(f"user {getpass.getuser()}\nlistener {port} 127.0.0.1\nallow_anonymous true\n")
    proc = subprocess.Popen([binary, "-c", str(conf)], stderr=subprocess.DEVNULL)
    for _ in range(100):
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return proc, f"mqtt://127.0.0.1:{port}"
        except OSError:
            time.sleep(0.05)
    proc.kill()
    return None


def start_district(url: str, tmp: Path, mqtt_url: str = "") -> tuple[subprocess.Popen[bytes], str]:
    settings = DistrictSettings(mode="test", data_dir=tmp, database_url=url)
    d = open_district(settings)
    with d.sessions.begin() as db:
        for code in ("C0001", "C0002"):
            admin.put_community(db, code, code, PASSWORD, settings.realm)
    d.engine.dispose()
    port = free_port()
    env = {
        **os.environ,
        "SCD_MODE": "test",
        "SCD_DATABASE_URL": url,
        "SCD_DATA_DIR": str(tmp),
        "SCD_MQTT_URL": mqtt_url,
        "PYTHONPATH": str(ROOT),
    }
    cmd = [sys.executable, "-c", f"from district_cloud.cli import app; app(['serve', '--port', '{port}'])"]
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    for _ in range(200):
        try:
            httpx.get(base + "/api/health", timeout=1)
            return proc, base
        except httpx.HTTPError:
            time.sleep(0.1)
    raise RuntimeError("district did not start")


def add_persons(rt: Runtime, n: int, offset: int, chunk: int = 1000) -> None:
    """Insert persons through the ORM: the after_flush hook writes their outbox rows."""
    for start in range(0, n, chunk):
        with rt.sessions.begin() as db:
            for i in range(start, min(n, start + chunk)):
                k = offset + i
                birth = dt.date(1950, 1, 1) + dt.timedelta(days=k // 900)
                db.add(
                    Person(
                        id_type="resident_id",
                        id_number=make_id_number("340104", birth, k % 900),
                        name=f"压测{k}",
                        phone=f"139{k:08d}",
                    )
                )


def console(tmp: Path) -> Runtime:
    return open_runtime(Settings(mode="test", data_dir=tmp, database_url=f"sqlite:///{tmp / 'console.db'}"))


def backlog(rt: Runtime) -> int:
    with rt.sessions() as db:
        return int(db.execute(select(func.count()).where(OutboxEntry.status == "pending")).scalar_one())


def throughput(rt: Runtime, base: str, n: int) -> tuple[float, float]:
    add_persons(rt, n, 0)
    s = UplinkSettings(url=base, password=PASSWORD, batch_size=BATCH, keepalive_seconds=3600)
    # Baseline bodies: exactly what the loop will send, encoded before the clock starts.
    with rt.sessions() as db:
        items = pending(db, n)
        bodies = [
            [obj for _i, _k, obj in encode_batch(db, items[i : i + BATCH], "C0002")]
            for i in range(0, n, BATCH)
        ]
    with httpx.Client(base_url=base, auth=httpx.DigestAuth("C0002", PASSWORD), timeout=60) as client:
        client.post("/VIID/System/Register", json={"RegisterObject": {"DeviceID": "C0002"}})
        t = time.perf_counter()
        for objs in bodies:
            r = client.post("/VIID/PersonInfos", json=wrap("person", objs))
            assert r.status_code == 200 and all(
                x["StatusCode"] == "0" for x in r.json()["ResponseStatusListObject"]["ResponseStatusObject"]
            )
        raw = n / (time.perf_counter() - t)
    w = UplinkWorker(rt.sessions, s, HttpTransport(s, "C0001"), "C0001")
    w.keepalive()
    t = time.perf_counter()
    while w.run_once():
        pass
    uplink = n / (time.perf_counter() - t)
    w.transport.close()
    assert backlog(rt) == 0
    return uplink, raw


def mqtt_throughput(rt: Runtime, broker: str, n: int) -> float:
    """The same records through the MQTT transport (broker → the district's intake in the receiver process)."""
    from property_console.uplink.mqtt_transport import MqttUplinkTransport

    add_persons(rt, n, 5_000_000)
    s = UplinkSettings(
        transport="mqtt", url=broker, password=PASSWORD, batch_size=BATCH, keepalive_seconds=3600
    )
    w = UplinkWorker(rt.sessions, s, MqttUplinkTransport(s, "C0001"), "C0001")
    for _ in range(50):  # until the intake is subscribed and answers
        try:
            w.keepalive()
            break
        except Exception:
            time.sleep(0.2)
    t = time.perf_counter()
    while w.run_once():
        pass
    rate = n / (time.perf_counter() - t)
    w.transport.close()
    assert backlog(rt) == 0
    return rate


def steady_lag(rt: Runtime, base: str, rate: int, seconds: float) -> tuple[list[float], int]:
    """Offer `rate` records/s for `seconds` in 10 transactions/s; sample the oldest pending row's age."""
    s = UplinkSettings(
        url=base, password=PASSWORD, batch_size=BATCH, keepalive_seconds=3600, idle_seconds=0.05
    )
    w = UplinkWorker(rt.sessions, s, HttpTransport(s, "C0001"), "C0001").start()
    lags: list[float] = []
    stop = threading.Event()

    def sample() -> None:
        while not stop.is_set():
            with rt.sessions() as db:
                oldest = db.execute(
                    select(func.min(OutboxEntry.created_at)).where(OutboxEntry.status == "pending")
                ).scalar()
            if oldest is not None:
                oldest = oldest if oldest.tzinfo else oldest.replace(tzinfo=dt.UTC)
                lags.append((dt.datetime.now(dt.UTC) - oldest).total_seconds())
            else:
                lags.append(0.0)
            stop.wait(0.25)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    sent, t0, offset = 0, time.perf_counter(), 10_000_000
    while time.perf_counter() - t0 < seconds:
        tick = time.perf_counter()
        for attempt in range(50):
            try:
                add_persons(rt, rate // 10, offset + sent, chunk=rate // 10)
                break
            except Exception:  # SQLite busy on read→write upgrade against the worker's commit; retry
                if attempt == 49:
                    raise
                time.sleep(0.01)
        sent += rate // 10
        time.sleep(max(0.0, 0.1 - (time.perf_counter() - tick)))
    offered = sent / (time.perf_counter() - t0)
    stop.set()
    sampler.join()
    while backlog(rt):
        time.sleep(0.1)
    w.stop()
    return lags, int(offered)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=20000)
    ap.add_argument("--rate", type=int, default=1000)
    ap.add_argument("--seconds", type=float, default=15)
    ap.add_argument("--batch", type=int, default=500)
    args = ap.parse_args()
    global BATCH
    BATCH = args.batch
    with tempfile.TemporaryDirectory() as tmpdir:
        tmp = Path(tmpdir)
        url = district_url(tmp)
        broker = start_mosquitto(tmp)
        proc, base = start_district(url, tmp, broker[1] if broker else "")
        try:
            rt = console(tmp)
            uplink, raw = throughput(rt, base, args.n)
            print(f"district on {url.split(':')[0]}; {args.n} person records, batches of {BATCH}")
            print(f"uplink throughput      {uplink:8.0f} records/s")
            print(f"baseline raw HTTP POST {raw:8.0f} records/s   ratio uplink/baseline {uplink / raw:.2f}")
            if broker:
                via = mqtt_throughput(rt, broker[1], args.n)
                print(f"uplink over MQTT       {via:8.0f} records/s   ratio MQTT/baseline {via / raw:.2f}")
            lags, offered = steady_lag(rt, base, args.rate, args.seconds)
            lags.sort()
            p95 = lags[int(0.95 * (len(lags) - 1))]
            print(
                f"steady state: offered {offered} records/s for {args.seconds:.0f} s -> lag (age of oldest pending) "
                f"median {statistics.median(lags):.3f} s, p95 {p95:.3f} s, max {lags[-1]:.3f} s"
            )
        finally:
            proc.terminate()
            proc.wait(timeout=10)
            if broker:
                broker[0].terminate()
                broker[0].wait(timeout=10)
            if url.startswith("postgresql"):
                with create_engine(PG_ADMIN, isolation_level="AUTOCOMMIT").connect() as c:
                    c.execute(text(f'DROP DATABASE IF EXISTS "{url.rsplit("/", 1)[1]}" WITH (FORCE)'))


if __name__ == "__main__":
    main()
