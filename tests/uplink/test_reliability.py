"""Nothing lost, nothing duplicated: district down then up; console SIGKILLed mid-batch then restarted."""

from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.exc import OperationalError

from district_cloud import models as dm
from district_cloud.db import District
from property_console.models import OutboxEntry, Person
from property_console.runtime import Runtime
from property_console.uplink.delivery import UplinkWorker
from property_console.uplink.events import enqueue
from property_console.uplink.transport import HttpTransport
from tests.district_cloud.conftest import COMMUNITY, UPLINK_PASSWORD
from tests.uplink.conftest import uplink_settings
from tests.uplink.live import LiveDistrict

RECORD_KINDS = ("address", "house", "person", "residency", "organisation", "vehicle", "alarm")
ROOT = Path(__file__).resolve().parents[2]


def _wait(cond: object, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while not cond():  # type: ignore[operator]
        if time.monotonic() > deadline:
            raise AssertionError("condition not reached")
        time.sleep(0.05)


def _backlog(rt: Runtime) -> int:
    with rt.sessions() as db:
        return int(db.execute(select(func.count()).where(OutboxEntry.status == "pending")).scalar_one())


def assert_exactly_once_in_order(rt: Runtime, district: District) -> None:
    """Every record version reached the district once, in version order per record; every pass once."""
    with rt.sessions() as db:
        sent = db.execute(
            select(OutboxEntry.kind, OutboxEntry.record_id, OutboxEntry.version).where(
                OutboxEntry.kind.in_(RECORD_KINDS)
            )
        ).all()
        passes = {
            r for (r,) in db.execute(select(OutboxEntry.record_id).where(OutboxEntry.kind == "vehicle_pass"))
        }
        latest = {str(p.id): p.version for p in db.execute(select(Person)).scalars()}
    with district.sessions() as db:
        receipts = db.execute(select(dm.Receipt.record_id, dm.Receipt.version).order_by(dm.Receipt.id)).all()
        stored_passes = db.execute(select(dm.VehiclePass.record_id)).scalars().all()
        persons = {p.record_id: p.version for p in db.execute(select(dm.Person)).scalars()}
    assert len(receipts) == len(sent) == len({(r, v) for r, v in receipts})
    assert {(r, v) for _k, r, v in sent} == set(receipts)
    order: dict[str, list[int]] = {}
    for rid, version in receipts:
        order.setdefault(rid, []).append(version)
    assert all(vs == sorted(vs) for vs in order.values())
    assert sorted(stored_passes) == sorted(passes)
    assert persons == latest


def _edit(rt: Runtime, rounds: int) -> None:
    """Several transactions changing persons and adding passes."""
    for i in range(rounds):
        for attempt in range(20):
            try:
                with rt.sessions.begin() as db:
                    for p in db.execute(select(Person).order_by(Person.id_number).limit(5)).scalars():
                        p.phone = f"139{i:04d}{p.version:04d}"
                    enqueue(
                        db,
                        "vehicle_pass",
                        {
                            "device_id": "LPR-N-0001",
                            "shot_time": dt.datetime.now(dt.UTC).isoformat(),
                            "plate": "皖A12345",
                        },
                        uuid.uuid4(),
                    )
                break
            except OperationalError:  # SQLite: a deferred read→write upgrade lost to the worker's write
                if attempt == 19:
                    raise
                time.sleep(0.05)


def test_district_down_then_up(runtime: Runtime, district: District) -> None:
    live = LiveDistrict(district).start()
    s = uplink_settings(live.url, batch_size=50)
    worker = UplinkWorker(runtime.sessions, s, HttpTransport(s, COMMUNITY), COMMUNITY).start()
    try:
        _wait(lambda: _backlog(runtime) == 0)
        live.stop()
        _edit(runtime, 6)
        _wait(lambda: worker.state.failures >= 3)  # it kept trying (with backoff) while the district was down
        assert _backlog(runtime) > 0 and worker.state.last_error
        live.start()
        _edit(runtime, 2)
        _wait(lambda: _backlog(runtime) == 0)
    finally:
        worker.stop()
        live.stop()
    assert_exactly_once_in_order(runtime, district)


def _spawn(runtime: Runtime, url: str, pause_after: int) -> subprocess.Popen[str]:
    console_url = runtime.engine.url.render_as_string(hide_password=False)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "tests.uplink.worker_proc",
            console_url,
            url,
            UPLINK_PASSWORD,
            str(pause_after),
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        text=True,
    )


def test_console_killed_mid_batch(runtime: Runtime, district: District) -> None:
    _edit(runtime, 3)
    live = LiveDistrict(district).start()
    try:
        proc = _spawn(runtime, live.url, pause_after=3)
        assert proc.stdout is not None
        for line in proc.stdout:
            if line.startswith("SENT 3"):
                break
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=10)
        with district.sessions() as db:
            received = {(r, v) for r, v in db.execute(select(dm.Receipt.record_id, dm.Receipt.version))}
        with runtime.sessions() as db:
            pending = db.execute(
                select(OutboxEntry.record_id, OutboxEntry.version).where(OutboxEntry.status == "pending")
            ).all()
        assert any((r, v) in received for r, v in pending)  # killed between the district's store and our ack
        again = _spawn(runtime, live.url, pause_after=0)
        out, _ = again.communicate(timeout=120)
        assert again.returncode == 0 and "DONE" in out
    finally:
        live.stop()
    assert _backlog(runtime) == 0
    assert_exactly_once_in_order(runtime, district)
