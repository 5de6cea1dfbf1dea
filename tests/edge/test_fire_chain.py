"""The fire chain as one run over a real Mosquitto (GB 50396: escape doors are released on a fire alarm).

The real perimeter service (Modbus TCP host simulator, its EdgeBus) trips its fire zone → `cmd/fire` → a real
door process (DoorProcess, its lock on a simulated Modbus relay board over TCP, its own EdgeBus) releases the
escape-door relay and acks → the console's BusBridge (its own persistent MQTT session) records the perimeter's
fire alarm and the door's fire_unlock alarm. The fire zone restores, the guard resets the alarm → `cmd/fire`
off → the door locks again and the console records fire_restore.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from access.edge.config import DoorProcessConfig, RelayConfig
from access.edge.process import DoorProcess
from access.engine import FaceEngine
from devices.edge import BusConfig, EdgeBus
from devices.modbus import ModbusConfig, PerimeterHostSimulator
from devices.net import free_port
from devices.relay_sim import ModbusRelayBoardSimulator
from perimeter import state_machine as sm
from perimeter.config import SiteConfig
from perimeter.service import PerimeterService
from property_console.bus_bridge import BusBridge
from property_console.models import Alarm
from property_console.runtime import Runtime
from tests.access.conftest import config, engine  # noqa: F401  (the door's face engine, loaded once)
from tests.edge.conftest import USERS, console_transport
from tests.uplink.mosquitto import PrivateMosquitto

pytestmark = pytest.mark.mosquitto
COMMUNITY, DOOR, LOCK = "C0001", "DOOR-1-1-0001", 1
FIRE_INPUT = 1


def wait_for(check: Callable[[], object], timeout: float = 15.0) -> bool:
    """Poll until check() is truthy (False on timeout; the test then asserts on what it sees)."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if check():
            return True
        time.sleep(0.03)
    return bool(check())


def fire_site(host_port: int) -> SiteConfig:
    """One host, a fire zone on input 1, the door on the escape route."""
    return SiteConfig.model_validate(
        {
            "community": COMMUNITY,
            "hosts": [
                {"id": "H1", "transport": "tcp", "host": "127.0.0.1", "port": host_port, "inputs": 4,
                 "poll_interval": 0.05, "timeout": 0.5, "silent_after": 30}
            ],
            "partitions": [{"id": "P1", "name": "一号楼", "exit_delay": 0, "entry_delay": 0}],
            "zones": [
                {"id": "smoke-1", "name": "一号楼烟感", "partition": "P1", "type": "fire", "host": "H1",
                 "input": FIRE_INPUT}
            ],
            "escape_doors": [DOOR],
        }
    )  # fmt: skip


@dataclass
class Chain:
    host: PerimeterHostSimulator
    relay: ModbusRelayBoardSimulator
    perimeter: PerimeterService
    door: DoorProcess


@pytest.fixture
def chain(
    broker: PrivateMosquitto,
    runtime: Runtime,
    engine: FaceEngine,  # noqa: F811  (the fixture imported above)
    tmp_path: Path,
) -> Iterator[Chain]:
    console = console_transport(broker)
    bridge = BusBridge(console, COMMUNITY, runtime.sessions).start()
    bus = BusConfig(url=broker.url, username="edge", password=USERS["edge"], keepalive=5)

    relay_port, host_port = free_port(), free_port()
    relay = ModbusRelayBoardSimulator(4).start_tcp("127.0.0.1", relay_port)
    host = PerimeterHostSimulator(4).start_tcp("127.0.0.1", host_port)
    modbus = ModbusConfig(transport="tcp", host="127.0.0.1", port=relay_port, timeout=0.5, retries=0)
    door_config = DoorProcessConfig(
        door_id=DOOR,
        community=COMMUNITY,
        data_dir=tmp_path / "door",
        camera="unused",  # no frames in this run: the door only answers commands
        espeak=False,
        terminal_commands=False,
        relay=RelayConfig(modbus=modbus, lock_channel=LOCK),
        bus=bus,
    )
    door = DoorProcess(door_config, engine=engine)
    door.start_background()
    assert door.edge is not None
    assert wait_for(lambda: door.edge is not None and door.edge.transport.connected, 10)

    perimeter_edge = EdgeBus.connect(
        bus, community=COMMUNITY, device_id="perimeter", data_dir=tmp_path / "perimeter", kind="perimeter"
    )
    perimeter = PerimeterService(fire_site(host_port), perimeter_edge).start()
    assert wait_for(lambda: perimeter_edge.transport.connected, 10)
    try:
        yield Chain(host, relay, perimeter, door)
    finally:
        perimeter.stop()
        perimeter_edge.close()
        door.close()
        bridge.stop()
        console.stop()
        host.stop()
        relay.stop()


def alarms(runtime: Runtime) -> list[tuple[str, str]]:
    """(kind, source) of every alarm the console recorded, oldest first."""
    with runtime.sessions() as db:
        rows = db.execute(select(Alarm.kind, Alarm.source).order_by(Alarm.raised_at, Alarm.id)).all()
    return [(kind, source) for kind, source in rows]


@pytest.mark.parametrize(
    "seeded_url", ["sqlite"], indirect=True
)  # the bus chain, not the database, is tested
def test_fire_zone_releases_the_escape_door_and_the_console_records_both(
    chain: Chain, runtime: Runtime, app_client: TestClient
) -> None:
    assert not chain.relay.recorder.state[LOCK]  # locked before the fire
    chain.host.trip(FIRE_INPUT)  # smoke in building 1

    assert wait_for(lambda: chain.relay.recorder.state[LOCK])  # the escape door's lock relay released
    assert wait_for(lambda: chain.door.controller.fire_mode)
    assert wait_for(lambda: {k for k, _ in alarms(runtime)} >= {"perimeter_fire", "fire_unlock"}), alarms(
        runtime
    )
    recorded = alarms(runtime)
    assert [k for k, _ in recorded].count("perimeter_fire") == 1
    assert [k for k, _ in recorded].count("fire_unlock") == 1
    door_bus = chain.door.edge
    assert door_bus is not None and wait_for(
        lambda: door_bus.pending() == 0
    )  # the alarm left the door's disk

    # the guard may not reset while the smoke is still there: the door stays released
    blocked = chain.perimeter.poller.submit(sm.Reset(at=time.time(), who="值班员"))
    assert any(isinstance(e, sm.Rejected) and e.code == "cause_present" for e in blocked.result(5))
    time.sleep(1.0)  # a restore, if one were (wrongly) sent, would have reached the door by now
    assert chain.relay.recorder.state[LOCK] and chain.door.controller.fire_mode

    chain.host.restore(FIRE_INPUT)  # the smoke clears, then the guard resets the alarm

    def reset() -> bool:  # accepted once a poll has seen the zone normal
        done = chain.perimeter.poller.submit(sm.Reset(at=time.time(), who="值班员"))
        return not [e for e in done.result(5) if isinstance(e, sm.Rejected)]

    assert wait_for(reset)

    assert wait_for(lambda: not chain.relay.recorder.state[LOCK])  # locked again
    assert wait_for(lambda: not chain.door.controller.fire_mode)
    assert wait_for(lambda: "fire_restore" in [k for k, _ in alarms(runtime)]), alarms(runtime)
    kinds = [k for k, _ in alarms(runtime)]
    assert kinds.count("perimeter_fire") == 1 and kinds.count("fire_unlock") == 1
    assert kinds.count("fire_restore") == 1
    assert kinds.index("fire_unlock") < kinds.index("fire_restore")
