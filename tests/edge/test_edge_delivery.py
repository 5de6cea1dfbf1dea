"""No event lost between an edge process and the console, on the real Mosquitto, under real faults.

For the door, the gate and the perimeter, a real edge process (tests/edge/driver.py: EdgeBus, durable outbox, the
kind's own event builder) produces numbered events while the broker is stopped, SIGKILLed, the edge itself is
SIGKILLed with a backlog on disk, or the link is cut silently (a proxy that drops every byte, no TCP close). The
console's real BusBridge stores them in its database. Every event produced is stored exactly once, and the
events reached the console in the order they were produced.
"""

from __future__ import annotations

import contextlib
import signal
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from devices.bus import Event, event_topic
from devices.faults import TcpFaultProxy
from property_console.bus_bridge import BusBridge
from property_console.models import Event as StoredEvent
from property_console.runtime import Runtime
from tests.edge.conftest import console_transport
from tests.edge.driver import COMMUNITY, DEVICE, EdgeProcess, event_id
from tests.uplink.mosquitto import PrivateMosquitto

ROOT = Path(__file__).resolve().parents[2]
COUNT, RATE = 120, 60.0  # events per run, produced per second


def wait_for(predicate: Callable[[], object], timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError("timed out")
        time.sleep(0.05)


class Console:
    """The console's bus side: a persistent MQTT session (stable client id) feeding the real BusBridge."""

    def __init__(self, broker: PrivateMosquitto, runtime: Runtime) -> None:
        self.transport = console_transport(broker)
        self.arrivals: list[uuid.UUID] = []  # first arrival of each event id, in order
        BusBridge(self.transport, COMMUNITY, runtime.sessions).start()
        self.transport.subscribe(event_topic(COMMUNITY, "+", "+"), self._arrived)
        self.runtime = runtime
        time.sleep(1.5)  # Mosquitto autosaves the session (and its subscription) every second

    def _arrived(self, _topic: str, payload: bytes) -> None:
        event = Event.model_validate_json(payload)
        if event.id not in self.arrivals:
            self.arrivals.append(event.id)

    def stored(self, device: str, ids: list[uuid.UUID]) -> list[uuid.UUID]:
        """Which of these events the console holds (its presence records of the device are not counted)."""
        with self.runtime.sessions() as db:
            query = select(StoredEvent.id).where(StoredEvent.device_serial == device, StoredEvent.id.in_(ids))
            return list(db.execute(query).scalars())

    def stop(self) -> None:
        self.transport.stop()


@pytest.fixture
def console(broker: PrivateMosquitto, runtime: Runtime) -> Iterator[Console]:
    c = Console(broker, runtime)
    yield c
    c.stop()


def run_with_fault(
    kind: str, fault: str, broker: PrivateMosquitto, console: Console, tmp_path: Path
) -> list[int]:
    """Produce COUNT events of `kind` through one fault; returns what the edge says it produced."""
    proxy = TcpFaultProxy("127.0.0.1", broker.port) if fault == "silent_cut" else None
    url = f"mqtt://127.0.0.1:{proxy.port}" if proxy else broker.url
    edge = EdgeProcess(kind, url, tmp_path / "edge", COUNT, RATE).start()
    wait_for(lambda: len(edge.produced()) >= COUNT // 3)
    if fault in ("broker_stopped", "broker_killed"):
        broker.stop(signal.SIGTERM if fault == "broker_stopped" else signal.SIGKILL)
        time.sleep(2.0)  # the edge goes on producing into its outbox
        broker.start()
    elif fault == "edge_killed":
        broker.stop(signal.SIGKILL)
        wait_for(lambda: len(edge.produced()) >= COUNT // 2)
        edge.kill()  # a backlog on disk, some of it handed to paho and never acknowledged
        broker.start()
        edge.start()
    elif proxy is not None:
        proxy.up.drop_rate = proxy.down.drop_rate = 1.0  # bytes vanish, no FIN, no RST
        time.sleep(6.0)  # keepalive 2 s: paho notices after ~3 s, the broker publishes the will
        proxy.up.drop_rate = proxy.down.drop_rate = 0.0
    edge.wait()
    if proxy is not None:
        proxy.close()
    return edge.produced()


@pytest.mark.mosquitto
@pytest.mark.slow
@pytest.mark.parametrize("seeded_url", ["sqlite"], indirect=True)
@pytest.mark.parametrize("fault", ["broker_stopped", "broker_killed", "edge_killed", "silent_cut"])
@pytest.mark.parametrize("kind", ["door", "gate", "perimeter"])
def test_every_event_reaches_the_console_once_and_in_order(
    kind: str, fault: str, broker: PrivateMosquitto, console: Console, tmp_path: Path
) -> None:
    produced = run_with_fault(kind, fault, broker, console, tmp_path)
    assert sorted(set(produced)) == list(range(1, COUNT + 1))  # the driver did produce all of them
    expected = [event_id(kind, n) for n in range(1, COUNT + 1)]
    with contextlib.suppress(AssertionError):
        wait_for(lambda: len(console.stored(DEVICE[kind], expected)) >= COUNT, 30)
    stored = console.stored(DEVICE[kind], expected)
    missing = [n for n, i in enumerate(expected, 1) if i not in set(stored)]
    assert not missing, f"{len(missing)} events never stored: {missing[:20]}"
    assert len(stored) == COUNT and set(stored) == set(expected)  # produced = stored, each once
    mine = [i for i in console.arrivals if i in set(expected)]
    assert mine == expected  # first arrivals in production order
