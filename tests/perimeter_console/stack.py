"""A whole perimeter installation for tests: host, camera and relay simulators, the perimeter service on a
bus, and the console's bridge (alarm records) and perimeter link (live state, commands) on the same bus."""

from __future__ import annotations

import shutil
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from devices.bus import Transport
from devices.camera import CameraSimulator
from devices.edge import EdgeBus
from devices.modbus import PerimeterHostSimulator
from devices.net import free_port
from devices.relay_sim import ModbusRelayBoardSimulator
from perimeter.config import SiteConfig
from perimeter.service import PerimeterService
from property_console.bus_bridge import BusBridge
from property_console.events import broadcaster_for
from property_console.perimeter_link import PerimeterLink

INPUTS = {"fence-n": 1, "gate-w": 2, "panic": 3, "office-pir": 4}


def site(community: str, host_port: int, camera_url: str, relay_port: int) -> SiteConfig:
    relay = {"transport": "tcp", "host": "127.0.0.1", "port": relay_port}
    return SiteConfig.model_validate(
        {
            "community": community,
            "timing": {"siren_seconds": 60, "resound_after": 120},
            "hosts": [
                {
                    "id": "H1",
                    "transport": "tcp",
                    "host": "127.0.0.1",
                    "port": host_port,
                    "inputs": 8,
                    "poll_interval": 0.05,
                    "timeout": 0.5,
                    "silent_after": 30,
                }
            ],
            "partitions": [
                {
                    "id": "P1",
                    "name": "小区周界",
                    "exit_delay": 0,
                    "entry_delay": 0,
                    "siren_outputs": ["siren-1"],
                },
                {"id": "P2", "name": "物业中心", "exit_delay": 0, "entry_delay": 0},
            ],
            "zones": [
                {
                    "id": "fence-n",
                    "name": "北围墙电子围栏",
                    "partition": "P1",
                    "type": "perimeter",
                    "host": "H1",
                    "input": 1,
                    "location": {"x": 30, "y": 5},
                    "cameras": ["cam-n"],
                    "outputs": ["light-n"],
                },
                {
                    "id": "gate-w",
                    "name": "西门门磁",
                    "partition": "P1",
                    "type": "delay",
                    "host": "H1",
                    "input": 2,
                    "location": {"x": 4, "y": 50},
                },
                {
                    "id": "panic",
                    "name": "值班室紧急按钮",
                    "partition": "P1",
                    "type": "24h",
                    "host": "H1",
                    "input": 3,
                    "location": {"x": 50, "y": 44},
                },
                {
                    "id": "office-pir",
                    "name": "物业中心红外",
                    "partition": "P2",
                    "type": "instant",
                    "host": "H1",
                    "input": 4,
                },
            ],
            "cameras": [{"id": "cam-n", "source": camera_url, "clip_seconds": 2, "clip_fps": 5}],
            "outputs": [{"id": "siren-1", "channel": 1, **relay}, {"id": "light-n", "channel": 2, **relay}],
        }
    )


class Stack:
    """Everything running; `stop()` tears it down."""

    def __init__(
        self,
        community: str,
        edge: Transport,
        console: Transport,
        sessions: sessionmaker[Session],
        engine: Engine,
    ) -> None:
        host_port, relay_port = free_port(), free_port()
        self.host = PerimeterHostSimulator(8).start_tcp("127.0.0.1", host_port)
        self.camera = CameraSimulator(None, fps=10).start()
        self.relays = ModbusRelayBoardSimulator(4).start_tcp("127.0.0.1", relay_port)
        self.site = site(community, host_port, self.camera.url, relay_port)
        self.bridge = BusBridge(console, community, sessions).start()
        self.link = PerimeterLink(console, community, broadcaster_for(engine))
        self.outbox_dir = Path(tempfile.mkdtemp(prefix="perimeter-outbox-"))
        self.edge = EdgeBus(edge, community, "perimeter", self.outbox_dir, kind="perimeter")  # type: ignore[arg-type]
        self.service = PerimeterService(self.site, self.edge).start()
        rings = list(getattr(self.service.cameras, "rings", {}).values())
        wait_for(lambda: all(len(r.frames()) >= 3 for r in rings), 20)  # camera streams up, clip ready
        wait_for(lambda: len(self.link.view()["zones"]) == len(INPUTS))

    def stop(self) -> None:
        self.service.stop()
        self.edge.outbox.flush(2)
        shutil.rmtree(self.outbox_dir, ignore_errors=True)
        self.relays.stop()
        self.camera.stop()
        self.host.stop()


def wait_for(predicate: Callable[[], object], timeout: float = 10.0) -> Any:
    """Poll until the predicate is truthy; return its value."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        value = predicate()
        if value:
            return value
        time.sleep(0.03)
    raise AssertionError("condition not reached in time")
