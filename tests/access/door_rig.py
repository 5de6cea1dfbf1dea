"""A door on simulated hardware: MJPEG camera, Modbus relay board, Modbus input host, in-process bus."""

from __future__ import annotations

import base64
import hashlib
import shutil
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from access.edge.config import ConsoleConfig, DoorProcessConfig, InputsConfig, RelayConfig
from devices.bus import Event, InProcessBus, parse_topic
from devices.camera import CameraSimulator
from devices.modbus import ModbusConfig, PerimeterHostSimulator
from devices.net import free_port
from devices.relay_sim import ModbusRelayBoardSimulator

COMMUNITY = "C0001"
LOCK, GREEN, RED = 1, 2, 3
CONTACT_ZONE, FIRE_ZONE = 1, 2  # discrete inputs 0 and 1 of the input host


def wait_for(check: Callable[[], bool], timeout: float = 20.0) -> bool:
    """Poll until check() holds (False on timeout; tests then assert on what they see)."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if check():
            return True
        time.sleep(0.02)
    return check()


@dataclass
class Rig:
    """The simulators and what the console side of the bus received."""

    hub: InProcessBus
    relay: ModbusRelayBoardSimulator
    relay_port: int
    inputs: PerimeterHostSimulator
    inputs_port: int
    received: list[tuple[str, Event]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def events(self) -> list[Event]:
        """Events received so far, in arrival order."""
        with self.lock:
            return [e for _, e in self.received]

    def kinds(self) -> list[str]:
        """The controller kind of each received event (kept in detail.event)."""
        return [str(e.data["detail"]["event"]) for e in self.events()]

    def pulses(self, channel: int = LOCK) -> int:
        """Completed on→off cycles of a relay channel."""
        return sum(1 for p in self.relay.recorder.pulses if p.channel == channel)

    def door_config(self, tmp: Path, door: str, camera: str, **extra: Any) -> DoorProcessConfig:
        """A door wired to these simulators."""
        modbus = {"transport": "tcp", "host": "127.0.0.1", "timeout": 0.5, "retries": 0}
        return DoorProcessConfig(
            door_id=door,
            community=COMMUNITY,
            data_dir=tmp / "door",
            camera=camera,
            espeak=False,
            relay=RelayConfig(
                modbus=ModbusConfig(**modbus, port=self.relay_port),
                lock_channel=LOCK,
                green_channel=GREEN,
                red_channel=RED,
            ),
            inputs=InputsConfig(
                modbus=ModbusConfig(**modbus, port=self.inputs_port),
                contact_address=CONTACT_ZONE - 1,
                fire_address=FIRE_ZONE - 1,
                interval_s=0.05,
            ),
            **extra,
        )


@contextmanager
def rig() -> Iterator[Rig]:
    """Start the relay board and input host; the console side subscribes to every door event."""
    relay_port, inputs_port = free_port(), free_port()
    relay = ModbusRelayBoardSimulator(8).start_tcp("127.0.0.1", relay_port)
    inputs = PerimeterHostSimulator(zones=4).start_tcp("127.0.0.1", inputs_port)
    hub = InProcessBus()
    r = Rig(hub, relay, relay_port, inputs, inputs_port)

    def on_event(topic: str, payload: bytes) -> None:
        with r.lock:
            r.received.append((parse_topic(topic).device_id or "", Event.model_validate_json(payload)))

    hub.connect().subscribe(f"sc/{COMMUNITY}/+/event/#", on_event)
    try:
        yield r
    finally:
        relay.stop()
        inputs.stop()


@contextmanager
def camera(photo: Path, tmp: Path, copies: int = 3) -> Iterator[CameraSimulator]:
    """An MJPEG camera looping one real photo (a person standing at the door)."""
    folder = tmp / "camera"
    folder.mkdir(exist_ok=True)
    for i in range(copies):
        shutil.copy(photo, folder / f"{i:03d}.jpg")
    sim = CameraSimulator(str(folder), fps=10).start()
    try:
        yield sim
    finally:
        sim.stop()


def console_config() -> ConsoleConfig:
    """The test console (the process gets the TestClient as its HTTP client)."""
    from tests.access.console_fixtures import EDGE_PASSWORD, EDGE_USER

    return ConsoleConfig(url="http://testserver", username=EDGE_USER, password=EDGE_PASSWORD, interval_s=3600)


def resident_answer(
    person: str, name: str, photos: Path, house_code: str = "C0001-1-1-1-101"
) -> dict[str, Any]:
    """A full sync answer in the console's format with one resident (for tests without a console)."""
    shots = []
    for path in sorted(photos.glob("*.jpg")):
        data = path.read_bytes()
        shots.append(
            {"sha256": hashlib.sha256(data).hexdigest(), "data_b64": base64.b64encode(data).decode()}
        )
    resident = {
        "id": person,
        "name": name,
        "residencies": [{"house_code": house_code, "start": "2020-01-01", "end": None}],
        "photos": shots,
    }
    return {"full": True, "next_since": None, "pass_key": None, "doors": [], "residents": [resident]}
