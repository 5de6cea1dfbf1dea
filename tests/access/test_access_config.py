"""The console's retained `config/access` bump: which commits raise it, and a revoked pass stopping a door at once."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import cv2
import numpy as np
import qrcode
from fastapi.testclient import TestClient
from sqlalchemy import update

from access.edge.process import DoorProcess
from access.engine import FaceEngine
from access.ports import Frame
from devices.bus import ConfigPayload, InProcessBus, config_topic
from property_console.access_config import AccessConfigPublisher, publisher_for
from property_console.models import Person, utcnow
from property_console.runtime import Runtime
from tests.access.console_fixtures import prepare
from tests.access.door_rig import COMMUNITY, LOCK, console_config, rig, wait_for


def _qr_frame(text: str, mono_s: float) -> Frame:
    """A phone showing the pass QR to a grey 640×480 camera view, now."""
    code = np.array(qrcode.make(text, border=4, box_size=5).convert("L"))
    frame = np.full((480, 640), 120, np.uint8)
    h, w = code.shape
    frame[60 : 60 + h, 150 : 150 + w] = code
    return Frame(cv2.cvtColor(frame, cv2.COLOR_GRAY2RGB), mono_s, datetime.now(UTC))


def test_commits_note_kinds_rollbacks_do_not(runtime: Runtime, data_dir: Path) -> None:
    publisher = publisher_for(runtime.engine)  # not attached to a bus: it only collects
    prepare(runtime, data_dir)  # persons, photos, a blacklist entry, a door's address, a user
    assert {"person", "photo", "blacklist", "door"} <= publisher.pending()
    publisher.reset()
    with runtime.sessions() as db:
        db.add(Person(id_type="passport", id_number="E99999999", name="未提交", gender="male"))
        db.flush()
        db.rollback()
    assert publisher.pending() == set()


def test_debounce_window() -> None:
    p = AccessConfigPublisher(quiet_s=0.3, max_delay_s=2.0)
    assert p.due_in(100.0) is None
    p.changed({"person"}, now=100.0)
    assert abs((p.due_in(100.1) or 0) - 0.2) < 1e-9  # quiet 0.3 s after the last change
    for t in (100.2, 100.4, 100.6, 100.8, 101.0, 101.2, 101.4, 101.6, 101.8):  # an import keeps writing
        p.changed({"photo"}, now=t)
    assert abs((p.due_in(101.9) or 0) - 0.1) < 1e-9  # capped: 2 s after the first change
    assert p.due_in(102.0) == 0.0 and p.pending() == {"person", "photo"}


def test_revoked_pass_stops_opening_the_door_at_once(
    runtime: Runtime,
    app_client: TestClient,
    login: Callable[[str], TestClient],
    engine: FaceEngine,
    data_dir: Path,
    tmp_path: Path,
) -> None:
    town = prepare(runtime, data_dir)
    with rig() as r:
        bumps: list[ConfigPayload] = []
        r.hub.connect().subscribe(
            config_topic(COMMUNITY, "access"), lambda _t, p: bumps.append(ConfigPayload.from_bytes(p))
        )
        console = publisher_for(runtime.engine).attach(r.hub.connect(), COMMUNITY)
        # the console sync interval is an hour: only the bump can make the door re-sync within the test
        config = r.door_config(tmp_path, town.own_door, "0", unlock_s=0.3, console=console_config())
        door = DoorProcess(config, engine=engine, transport=r.hub.connect(), http=app_client)
        try:
            assert door.sync_once()
            door.start_background()
            now = datetime.now(UTC)
            body = {
                "visitor_name": "访客李四",
                "visitor_phone": "13912345678",
                "doors": [town.own_door],
                "valid_from": (now - timedelta(minutes=1)).isoformat(),
                "valid_to": (now + timedelta(hours=2)).isoformat(),
            }
            resident = login("resident")
            issued = resident.post("/api/visitor-passes", json=body).json()
            door.controller.process(_qr_frame(issued["url"], 100.0))
            assert wait_for(lambda: r.pulses(LOCK) == 1, 5)  # the QR opens the door (verified offline)

            before = len(bumps)
            revoked_at = time.monotonic()
            assert resident.post(f"/api/visitor-passes/{issued['id']}/revoke").status_code == 200
            # the console bumps the retained topic, the door syncs at once (its periodic sync is an hour away)
            assert wait_for(lambda: issued["id"] in door.controller.revoked_passes, 10)
            assert time.monotonic() - revoked_at < 10 and wait_for(lambda: len(bumps) > before, 5)
            assert "visitor_pass" in bumps[-1].data["changed"] and bumps[-1].revision > bumps[0].revision
            door.controller.process(_qr_frame(issued["url"], 200.0))
            assert wait_for(lambda: len(r.kinds()) == 2, 5)
        finally:
            console.stop()
            door.close()
    assert r.pulses(LOCK) == 1 and r.kinds() == ["access_granted", "access_denied"]
    assert r.events()[1].data["detail"]["reason"] == "pass_revoked"


def test_watch_catches_changes_the_hook_cannot_see(runtime: Runtime) -> None:
    hub = InProcessBus()
    bumps: list[ConfigPayload] = []
    hub.connect().subscribe(
        config_topic(COMMUNITY, "access"), lambda _t, p: bumps.append(ConfigPayload.from_bytes(p))
    )
    console = AccessConfigPublisher(quiet_s=0.05).attach(hub.connect(), COMMUNITY)
    try:
        console.watch(runtime.engine, interval_s=0.1)
        assert wait_for(lambda: len(bumps) == 1, 5)  # the start-up bump only: nothing changed yet
        assert not wait_for(lambda: len(bumps) > 1, 0.5)
        with runtime.sessions.begin() as db:  # a bulk UPDATE (or another process): no ORM flush here
            db.execute(
                update(Person).values(updated_at=utcnow()).execution_options(synchronize_session=False)
            )
        assert wait_for(lambda: len(bumps) == 2, 5) and bumps[1].data["changed"] == ["database"]
    finally:
        console.stop()


def test_late_door_gets_the_retained_bump() -> None:
    hub = InProcessBus()
    console = AccessConfigPublisher().attach(hub.connect(), COMMUNITY)
    try:
        got = threading.Event()
        assert wait_for(lambda: console.published >= 1, 5)
        hub.connect().subscribe(config_topic(COMMUNITY, "access"), lambda _t, _p: got.set())
        assert got.is_set()  # retained: a door connecting after the console still learns the revision
    finally:
        console.stop()
