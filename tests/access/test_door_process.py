"""The door process end to end on simulated hardware: camera → recognition → relay board → bus → console."""

from __future__ import annotations

import threading
from datetime import UTC, datetime
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import select

from access.edge.process import DoorProcess
from access.engine import FaceEngine
from devices.bus import ConfigPayload, Outbox, config_topic
from devices.contracts import to_ingest_payload
from devices.edge.fire import BusEscapeDoors
from property_console.events import ingest
from property_console.events.schemas import EventIn
from property_console.models import Alarm, Event
from property_console.runtime import Runtime
from tests.access.console_fixtures import prepare
from tests.access.door_rig import (
    COMMUNITY,
    CONTACT_ZONE,
    FIRE_ZONE,
    LOCK,
    RED,
    camera,
    console_config,
    resident_answer,
    rig,
    wait_for,
)


def test_full_run_camera_relay_bus_console(
    runtime: Runtime, app_client: TestClient, engine: FaceEngine, data_dir: Path, tmp_path: Path
) -> None:
    town = prepare(runtime, data_dir)
    with rig() as r, camera(data_dir / "probe/Al_Gore_0004.jpg", tmp_path) as cam:
        config = r.door_config(tmp_path, town.own_door, cam.url, unlock_s=0.3, console=console_config())
        door = DoorProcess(config, engine=engine, transport=r.hub.connect(), http=app_client)
        assert door.sync_once()  # gallery, residencies and doors from the console database
        worker = threading.Thread(target=door.run, kwargs={"max_frames": 12})
        worker.start()
        worker.join(60)
        assert not worker.is_alive()
        assert wait_for(lambda: r.pulses(LOCK) >= 1 and not r.relay.recorder.state[LOCK], 5)
        door.close()
        # the resident stood in front of the camera for 12 frames: the lock opened once, for unlock_s
        assert r.pulses(LOCK) == 1 and r.pulses(RED) == 0
        assert r.kinds() == ["access_granted"]
    with runtime.sessions() as db:
        for serial, event in r.received:
            ingest(db, to_ingest_payload(event, device_serial=serial) or {})  # {}: refused, and counted
        db.commit()
        stored = db.execute(select(Event)).scalars().all()
        assert [(e.kind, e.subject, e.decision) for e in stored] == [
            ("door_pass", str(town.resident), "resident")
        ]
        assert stored[0].device_serial == town.own_door and stored[0].capture_sha256
        assert stored[0].subject_name  # the resident's name came with the sync


def test_door_contact_and_fire_inputs(engine: FaceEngine, tmp_path: Path) -> None:
    with rig() as r:
        config = r.door_config(tmp_path, "DOOR-1-1-0001", "0", held_open_s=0.5)
        door = DoorProcess(config, engine=engine, transport=r.hub.connect())
        door.start_background()
        try:
            console_side = r.hub.connect()  # the console bumps the retained access config: the door re-syncs
            console_side.publish(
                config_topic(COMMUNITY, "access"), ConfigPayload(kind="access", revision=2).to_bytes()
            )
            assert door.sync_requested.is_set()
            r.inputs.trip(CONTACT_ZONE)  # opened without anybody being let in
            assert wait_for(lambda: r.kinds() == ["forced_open", "held_open"])
            r.inputs.restore(CONTACT_ZONE)
            r.inputs.trip(FIRE_ZONE)  # fire input: the escape door unlocks and stays unlocked
            assert wait_for(lambda: r.kinds()[-1:] == ["fire_unlock"] and r.relay.recorder.state[LOCK])
            r.inputs.trip(CONTACT_ZONE)  # people leaving during the fire: no forced-open alarm
            escape = BusEscapeDoors(r.hub.connect(), COMMUNITY)
            escape.release(["DOOR-1-1-0001"], reason="fire alarm 7")  # perimeter/ says so too
            r.inputs.restore(FIRE_ZONE)  # the local input clears, the perimeter fire is still on
            assert not wait_for(lambda: "fire_restore" in r.kinds(), 0.5) and r.relay.recorder.state[LOCK]
            escape.restore(["DOOR-1-1-0001"], reason="fire reset")
            assert wait_for(lambda: r.kinds()[-1:] == ["fire_restore"] and not r.relay.recorder.state[LOCK])
        finally:
            door.close()
    assert r.kinds() == ["forced_open", "held_open", "fire_unlock", "fire_restore"]
    alarms = [
        EventIn.model_validate(to_ingest_payload(e, device_serial="DOOR-1-1-0001")).alarm for e in r.events()
    ]
    assert [a.kind for a in alarms if a] == ["door_forced", "door_held_open", "fire_unlock", "fire_restore"]


def test_offline_decides_locally_and_delivers_in_order(
    engine: FaceEngine, data_dir: Path, tmp_path: Path, runtime: Runtime
) -> None:
    with rig() as r, camera(data_dir / "probe/Al_Gore_0004.jpg", tmp_path) as cam:
        config = r.door_config(tmp_path, "DOOR-1-1-0001", cam.url, unlock_s=0.3)
        door = DoorProcess(config, engine=engine, transport=r.hub.connect())
        door.store.apply(resident_answer("p-1", "王伟", data_dir / "people/Al_Gore"))
        door.refresh()
        r.hub.up = False  # broker (and console) unreachable
        door.run(max_frames=8)
        door.controller.on_door_contact(True, 1e9, datetime.now(UTC))  # forced open while offline
        assert wait_for(lambda: r.pulses(LOCK) == 1, 5)  # the door still opened for the resident
        assert r.received == [] and door.edge is not None and door.edge.pending() == 2
        door.close()  # the edge box restarts while the broker is still away
        r.hub.up = True
        again = Outbox(r.hub.connect(), config.data_dir / "bus-buffer.db")
        assert again.flush(5)
        again.stop()
    assert r.kinds() == ["access_granted", "forced_open"]
    with runtime.sessions() as db:  # delivered late, stored with the door's own time and order
        for serial, event in r.received:
            ingest(db, to_ingest_payload(event, device_serial=serial) or {})  # {}: refused, and counted
        db.commit()
        rows = db.execute(select(Event).order_by(Event.device_time)).scalars().all()
        assert [e.kind for e in rows] == ["door_pass", "alarm"]
        assert db.execute(select(Alarm.kind)).scalars().all() == ["door_forced"]
