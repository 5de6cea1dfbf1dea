"""A door process and the console over a real Mosquitto: sync on the console's bump, events with a capture
stored by the console's bus bridge, staff open and perimeter fire commands acked."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from access.edge.config import BusConfig
from access.edge.process import DoorProcess
from access.engine import FaceEngine
from devices.bus import ConfigPayload, MqttSettings, MqttTransport, config_topic
from devices.edge.fire import BusEscapeDoors
from property_console.access_config import publisher_for
from property_console.api.services import services_of
from property_console.bus_bridge import BusBridge
from property_console.device_commands import DeviceCommands
from property_console.models import Alarm, AuditEntry, Device, Event
from property_console.runtime import Runtime
from tests.access.console_fixtures import prepare
from tests.access.door_rig import LOCK, camera, console_config, rig, wait_for
from tests.conftest import need_service

HOST, PORT = "127.0.0.1", 1883
pytestmark = pytest.mark.mosquitto


@pytest.fixture
def mosquitto() -> Iterator[Callable[[str], MqttTransport]]:
    """Connected transports to the CI Mosquitto, stopped afterwards."""
    need_service("Mosquitto", HOST, PORT)
    made: list[MqttTransport] = []

    def connect(name: str) -> MqttTransport:
        transport = MqttTransport(
            MqttSettings(host=HOST, port=PORT, client_id=f"{name}-{uuid.uuid4().hex[:8]}")
        )
        made.append(transport.start())
        transport.wait_connected(10)
        return transport

    yield connect
    for transport in made:
        transport.stop()


def _rows(runtime: Runtime, serial: str) -> list[Event]:
    with runtime.sessions() as db:
        stmt = select(Event).where(Event.device_serial == serial).order_by(Event.device_time)
        return [e for e in db.execute(stmt).scalars() if not e.kind.startswith("device_")]  # presence apart


def _status(runtime: Runtime, serial: str) -> str:
    with runtime.sessions() as db:
        return db.execute(select(Device.status).where(Device.serial == serial)).scalar_one()


@pytest.mark.parametrize("seeded_url", ["sqlite"], indirect=True)  # the bus path, not the database, is tested
def test_door_and_console_over_mosquitto(
    runtime: Runtime,
    app_client: TestClient,
    login: Callable[[str], TestClient],
    mosquitto: Callable[[str], MqttTransport],
    engine: FaceEngine,
    data_dir: Path,
    tmp_path: Path,
) -> None:
    town = prepare(runtime, data_dir)
    community = "t" + uuid.uuid4().hex[:10]  # a shared broker: topics of this run only
    console = mosquitto("console")
    BusBridge(console, community, runtime.sessions).start()
    bumps: list[ConfigPayload] = []
    console.subscribe(
        config_topic(community, "access"), lambda _t, p: bumps.append(ConfigPayload.from_bytes(p))
    )
    access = publisher_for(runtime.engine).attach(console, community)
    with rig() as r, camera(data_dir / "probe/Al_Gore_0004.jpg", tmp_path) as cam:
        config = r.door_config(tmp_path, town.own_door, cam.url, unlock_s=0.3, console=console_config())
        config = config.model_copy(update={"community": community, "bus": BusConfig(host=HOST, port=PORT)})
        door = DoorProcess(config, engine=engine, http=app_client)
        try:
            door.start_background()  # first sync at once, then only on bumps (interval: an hour)
            assert wait_for(lambda: door.store.since is not None and bool(bumps), 15)
            assert wait_for(lambda: _status(runtime, town.own_door) == "online", 10)  # presence, retained

            # a resident invites a visitor: the console's bump makes the door sync it within seconds
            now = datetime.now(UTC)
            body = {
                "visitor_name": "访客王五",
                "visitor_phone": "13912345678",
                "doors": [town.own_door],
                "valid_from": (now - timedelta(minutes=1)).isoformat(),
                "valid_to": (now + timedelta(hours=2)).isoformat(),
            }
            issued = login("resident").post("/api/visitor-passes", json=body).json()
            assert wait_for(lambda: issued["id"] in door.store.state["passes"], 15)
            assert wait_for(lambda: any("visitor_pass" in b.data["changed"] for b in bumps), 10)

            # the resident at the camera: one opening, its event (with the face capture) stored by the console
            worker = threading.Thread(target=door.run, kwargs={"max_frames": 8})
            worker.start()
            worker.join(60)
            assert wait_for(lambda: [e.kind for e in _rows(runtime, town.own_door)] == ["door_pass"], 15)
            door.start_background()  # run() ends with stop(): restart the housekeeping for the commands

            # staff open the door from the console (audited), as for a visitor without a pass
            services_of(app_client.app).commands = DeviceCommands(console, community)
            staff = login("staff")
            r_open = staff.post(f"/api/doors/{town.own_door}/open", json={"reason": "快递员送件"})
            assert r_open.status_code == 200 and r_open.json()["opened"] is True, r_open.text
            assert staff.post("/api/doors/NO-SUCH-DOOR/open", json={"reason": "x"}).status_code == 404
            assert (
                login("grid").post(f"/api/doors/{town.own_door}/open", json={"reason": "x"}).status_code
                == 403
            )
            escape = BusEscapeDoors(console, community, timeout_s=10)
            escape.release([town.own_door], reason="火警联动测试")
            assert wait_for(lambda: r.relay.recorder.state[LOCK], 10)
            escape.restore([town.own_door], reason="复位")
            assert wait_for(lambda: len(_rows(runtime, town.own_door)) == 4, 15)
        finally:
            access.stop()
            door.close()
    assert wait_for(lambda: _status(runtime, town.own_door) == "offline", 10)  # a clean stop says so
    rows = _rows(runtime, town.own_door)
    assert [(e.kind, e.decision) for e in rows] == [
        ("door_pass", "resident"),
        ("door_pass", "remote"),
        ("alarm", None),
        ("alarm", None),
    ]
    assert rows[0].subject == str(town.resident) and rows[0].capture_sha256
    with runtime.sessions() as db:
        kinds = db.execute(select(Alarm.kind).order_by(Alarm.created_at)).scalars().all()
    assert kinds == ["fire_unlock", "fire_restore"]
    with runtime.sessions() as db:
        opened = db.execute(select(AuditEntry).where(AuditEntry.entity == "door")).scalars().all()
    assert [(a.action, a.detail["reason"], a.detail["outcome"]) for a in opened] == [
        ("open", "快递员送件", "ok")
    ]
    assert not r.relay.recorder.state[LOCK]
