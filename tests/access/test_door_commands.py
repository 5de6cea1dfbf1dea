"""Door commands over the bus: perimeter fire linkage (`cmd/fire` from BusEscapeDoors) and staff `cmd/open`."""

from __future__ import annotations

from pathlib import Path

import pytest

from access.edge.process import DoorProcess
from access.engine import FaceEngine
from devices.bus import Command, CommandClient
from devices.contracts import to_ingest_payload
from devices.edge.fire import BusEscapeDoors
from devices.relay_sim import ModbusRelayBoardSimulator
from property_console.events.schemas import EventIn
from tests.access.door_rig import COMMUNITY, CONTACT_ZONE, LOCK, rig, wait_for

DOOR = "DOOR-1-1-0001"


def test_perimeter_fire_command_unlocks_and_records(engine: FaceEngine, tmp_path: Path) -> None:
    with rig() as r:
        door = DoorProcess(r.door_config(tmp_path, DOOR, "0"), engine=engine, transport=r.hub.connect())
        door.start_background()
        try:
            escape = BusEscapeDoors(r.hub.connect(), COMMUNITY)  # what perimeter/ uses for its linkage
            escape.release([DOOR], reason="火警：1号楼烟感 Z7")  # raises unless the door acked ok
            assert wait_for(lambda: r.relay.recorder.state[LOCK] and r.kinds() == ["fire_unlock"])
            ack = CommandClient(r.hub.connect(), COMMUNITY).send(
                DOOR, Command(name="fire", args={"active": True, "reason": "again"})
            )
            assert ack.ok and ack.result == {"fire": True, "released": True}  # idempotent: no second record
            r.inputs.trip(CONTACT_ZONE)  # people leave through the released door: no forced-open alarm
            assert not wait_for(lambda: "forced_open" in r.kinds(), 0.5)
            r.inputs.restore(CONTACT_ZONE)
            escape.restore([DOOR], reason="火警复位")
            assert wait_for(lambda: not r.relay.recorder.state[LOCK] and len(r.kinds()) == 2)
        finally:
            door.close()
    assert r.kinds() == ["fire_unlock", "fire_restore"]
    first = r.events()[0].data["detail"]
    assert first["source"] == "perimeter" and first["reason"] == "火警：1号楼烟感 Z7"
    stored = [EventIn.model_validate(to_ingest_payload(e, device_serial=DOOR)) for e in r.events()]
    assert [(e.kind, e.alarm.kind if e.alarm else None) for e in stored] == [
        ("alarm", "fire_unlock"),
        ("alarm", "fire_restore"),
    ]


def test_fire_command_refused_by_a_door_off_the_escape_route(engine: FaceEngine, tmp_path: Path) -> None:
    with rig() as r:
        config = r.door_config(tmp_path, DOOR, "0", escape_route=False)
        door = DoorProcess(config, engine=engine, transport=r.hub.connect())
        try:
            with pytest.raises(ConnectionError, match=DOOR):
                BusEscapeDoors(r.hub.connect(), COMMUNITY).release([DOOR], reason="fire")
        finally:
            door.close()
    assert not r.relay.recorder.state[LOCK] and r.kinds() == []


def test_staff_open_command_is_acked_and_recorded(engine: FaceEngine, tmp_path: Path) -> None:
    with rig() as r:
        config = r.door_config(tmp_path, DOOR, "0", unlock_s=0.3)
        door = DoorProcess(config, engine=engine, transport=r.hub.connect())
        door.start_background()
        client = CommandClient(r.hub.connect(), COMMUNITY)
        try:
            ack = client.send(DOOR, Command(name="open", args={"by": "staff", "reason": "快递"}))
            assert ack.ok and ack.result == {"opened": True}
            r.inputs.trip(CONTACT_ZONE)  # the courier walks in within the grant: no forced-open alarm
            assert wait_for(lambda: r.pulses(LOCK) == 1)
            r.inputs.restore(CONTACT_ZONE)
            unknown = client.send(DOOR, Command(name="selfdestruct"))
            assert not unknown.ok and "unknown command" in unknown.detail
        finally:
            door.close()
    assert r.kinds() == ["remote_open"]
    stored = EventIn.model_validate(to_ingest_payload(r.events()[0], device_serial=DOOR))
    assert (stored.kind, stored.decision) == ("door_pass", "remote")
    assert stored.detail["by"] == "staff" and stored.detail["reason"] == "快递"


def test_fire_command_reports_a_lock_relay_that_did_not_switch(engine: FaceEngine, tmp_path: Path) -> None:
    with rig() as r:
        door = DoorProcess(r.door_config(tmp_path, DOOR, "0"), engine=engine, transport=r.hub.connect())
        escape = BusEscapeDoors(r.hub.connect(), COMMUNITY)
        try:
            r.relay.stop()  # the relay board is unreachable
            with pytest.raises(ConnectionError, match=DOOR):
                escape.release([DOOR], reason="fire")  # the perimeter learns this door may still be locked
            assert r.kinds() == ["fire_unlock"]  # the fire is recorded all the same
            board = ModbusRelayBoardSimulator(8).start_tcp("127.0.0.1", r.relay_port)  # the board is back
            try:
                escape.release([DOOR], reason="fire")  # a repeated command re-tries the relay
                assert board.recorder.state[LOCK]
            finally:
                board.stop()
        finally:
            door.close()
