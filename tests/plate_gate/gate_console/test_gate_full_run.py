"""A full run: MJPEG camera simulator (real photo) → reader → vote → decision → Modbus relay board → event stored."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from devices.bus import InProcessBus
from devices.camera import CameraSimulator, CameraSource, LatestFrameReader
from devices.modbus import ModbusAdapter, ModbusConfig
from devices.net import free_port
from devices.relay import ModbusCoilDriver
from devices.relay_sim import ModbusRelayBoardSimulator
from plate_gate.camera_loop import CameraLoop
from plate_gate.loop_sensor import MemoryLoopSensor
from plate_gate.process import Outcome
from plate_gate.reader import PlateReader
from plate_gate.runtime import build_gate
from property_console.models import Capture, Event
from property_console.runtime import Runtime
from tests.plate_gate.gate_console.console_link import ingest_from_bus
from tests.plate_gate.gate_helpers import gate_config, snapshot

SCENE = Path(__file__).parents[1] / "data" / "scene_苏ED51712.jpg"


@pytest.fixture
def board() -> Iterator[tuple[ModbusRelayBoardSimulator, int]]:
    port = free_port()
    sim = ModbusRelayBoardSimulator(channels=4).start_tcp("127.0.0.1", port)
    yield sim, port
    sim.stop()


def test_camera_to_relay_to_stored_event(
    runtime: Runtime, reader: PlateReader, board: tuple[ModbusRelayBoardSimulator, int], tmp_path: Path
) -> None:
    frames_dir = tmp_path / "frames"
    frames_dir.mkdir()
    shutil.copy(SCENE, frames_dir / "0001.jpg")
    sim, port = board
    hub = InProcessBus()
    stored = ingest_from_bus(hub, runtime)
    driver = ModbusCoilDriver(ModbusAdapter(ModbusConfig(transport="tcp", host="127.0.0.1", port=port)))
    loop = MemoryLoopSensor()
    rt = build_gate(gate_config(tmp_path / "gate"), transport=hub.connect(), driver=driver, loop=loop)
    rt.barrier.stop()  # the test ticks the loop itself
    rt.store.apply_snapshot(snapshot(vehicles=[{"plate": "苏ED51712", "kind": "resident"}]))
    camera = CameraSimulator(str(frames_dir), fps=10).start()
    frames = LatestFrameReader(CameraSource(kind="url", url=camera.url)).start()
    outcomes: list[Outcome] = []
    lane = CameraLoop(frames, reader, rt.process, on_outcome=outcomes.append)
    try:
        seq = 0
        for _ in range(40):
            seq = lane.step(seq, timeout=5)
            if outcomes:
                break
        assert outcomes, "no decision from the camera"
        (outcome,) = outcomes
        assert outcome.decision.plate == "苏ED51712" and outcome.decision.reason == "resident"
        assert outcome.opened and outcome.relay_ms is not None
        assert sim.recorder.state[1] is True  # the arm is up, held by the open contact
        loop.car = True
        assert rt.barrier.tick() is False and sim.recorder.state[1] is True  # car under the arm
        loop.car = False
        assert rt.barrier.tick() is True and sim.recorder.state[1] is False
        assert [p.channel for p in sim.recorder.pulses] == [1]
    finally:
        frames.stop()
        camera.stop()
        rt.stop()
    assert stored == ["vehicle_pass"]
    with runtime.sessions() as db:
        event = db.execute(select(Event).where(Event.device_serial == "GATE-N-0001")).scalar_one()
        assert (event.kind, event.subject, event.decision) == ("vehicle_pass", "苏ED51712", "resident")
        assert event.detail["plate_color"] == "green" and event.detail["frames"] >= 2
        assert event.detail["relay_ms"] >= 0
        assert event.capture_sha256 is not None and db.get(Capture, event.capture_sha256) is not None
