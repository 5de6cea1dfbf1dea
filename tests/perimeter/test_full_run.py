"""Full run: Modbus simulator → poller → state machine → siren/lights/snapshot → alarm record on the bus,
with console commands (arm, ack, reset) answered over the bus. The console's own storage is not involved."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

import pytest

from devices.bus import BusClient, Command, CommandClient, Event, InProcessBus
from devices.modbus import PerimeterHostSimulator
from devices.net import free_port
from perimeter.bus_link import BusAlarmSink, serve
from perimeter.config import SiteConfig, build_machine
from perimeter.linkage import Linkage
from perimeter.poller import Poller, adapter_for


class Devices:
    """Relays, cameras and escape doors as in-memory fakes."""

    def __init__(self) -> None:
        self.relays: list[tuple[str, bool]] = []

    def set(self, output_id: str, on: bool) -> None:
        self.relays.append((output_id, on))

    def snapshot(self, camera_id: str, *, alarm_id: int, at: float) -> str:
        return f"sha256:{camera_id}:{alarm_id}"

    def release(self, door_ids: object, *, reason: str) -> None:
        pass


def wait_for(predicate: object, timeout: float = 10.0) -> None:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if predicate():  # type: ignore[operator]
            return
        time.sleep(0.02)
    raise AssertionError("condition not reached")


@pytest.fixture
def running() -> Iterator[tuple[PerimeterHostSimulator, Poller, CommandClient, list[Event], Devices]]:
    port = free_port()
    sim = PerimeterHostSimulator(32).start_tcp("127.0.0.1", port)
    cfg = SiteConfig.model_validate(
        {
            "community": "c001",
            "hosts": [{"id": "H1", "transport": "tcp", "host": "127.0.0.1", "port": port, "inputs": 32}],
            "partitions": [{"id": "P1", "exit_delay": 0, "siren_outputs": ["siren-1"]}],
            "zones": [
                {
                    "id": "fence-n",
                    "name": "北围墙电子围栏",
                    "partition": "P1",
                    "type": "perimeter",
                    "host": "H1",
                    "input": 12,
                    "location": {"x": 120, "y": 18},
                    "cameras": ["cam-n1"],
                    "outputs": ["light-n"],
                }
            ],
        }
    )
    hub = InProcessBus()
    edge, console = BusClient(hub.connect(), "c001"), BusClient(hub.connect(), "c001")
    seen: list[Event] = []
    console.on_events(seen.append)
    sink, dev = BusAlarmSink(edge, cfg), Devices()
    link = Linkage(
        snapshots=dev, relays=dev, sink=sink, notifier=sink, doors=dev, siren_outputs={"P1": ["siren-1"]}
    )
    poller = Poller(cfg, build_machine(cfg), {"H1": adapter_for(cfg.hosts[0], retries=0)}, link)
    serve(edge.transport, "c001", poller, sink)
    stop = threading.Event()
    thread = threading.Thread(target=poller.run, args=(stop,), daemon=True)
    thread.start()
    yield sim, poller, CommandClient(console.transport, "c001"), seen, dev
    stop.set()
    thread.join(5)
    sim.stop()


def test_trip_to_console_record_and_back(running: tuple) -> None:
    sim, _poller, commands, seen, dev = running
    ack = commands.send("perimeter", Command(name="arm", args={"partition": "P1", "who": "张保安"}))
    assert ack.ok and ack.result == {"states": ["armed"]}

    sim.pulse(12)  # a 0 ms trip: only the latch and the counter keep it
    wait_for(lambda: any(e.kind == "alarm" for e in seen))
    alarm = next(e for e in seen if e.kind == "alarm")
    assert alarm.data["zone"] == "fence-n" and alarm.data["zone_name"] == "北围墙电子围栏"
    assert alarm.data["location"] == {"map": "site", "x": 120.0, "y": 18.0}
    assert alarm.data["kind"] == "intrusion" and alarm.data["message_zh"] == "入侵报警：北围墙电子围栏"
    wait_for(lambda: any(e.kind == "alarm_snapshot" for e in seen))
    snap = next(e for e in seen if e.kind == "alarm_snapshot")
    assert snap.data["alarm_uuid"] == alarm.data["alarm_uuid"] and snap.data["ref"] == "sha256:cam-n1:1"
    assert ("siren-1", True) in dev.relays and ("light-n", True) in dev.relays
    assert any(e.kind == "notify" and e.data["level"] == "alarm" for e in seen)

    uid = alarm.data["alarm_uuid"]
    ack = commands.send("perimeter", Command(name="acknowledge", args={"who": "值班员", "alarm_uuid": uid}))
    assert ack.ok
    wait_for(lambda: ("siren-1", False) in dev.relays and any(e.kind == "alarm_ack" for e in seen))
    acks = [e for e in seen if e.kind == "alarm_ack"]
    assert [(e.data["alarm_uuid"], e.data["who"]) for e in acks] == [(uid, "值班员")]

    ack = commands.send("perimeter", Command(name="reset", args={"who": "值班员", "alarm_uuid": uid}))
    assert ack.ok and ack.result == {"states": ["armed"]}
    # the event and the command's reply travel separately: the reply may arrive first
    wait_for(lambda: any(e.kind == "alarm_reset" and e.data["alarm_uuid"] == uid for e in seen))


def test_console_commands_get_the_machines_verdict(running: tuple) -> None:
    sim, poller, commands, seen, _dev = running
    sim.trip(12)
    wait_for(lambda: poller.machine.zone_status("fence-n").open)
    ack = commands.send("perimeter", Command(name="arm", args={"partition": "P1", "who": "张保安"}))
    assert not ack.ok and ack.result["code"] == "zone_open" and "北围墙电子围栏" in ack.detail
    ack = commands.send(
        "perimeter", Command(name="disarm", args={"partition": "P1", "who": "cron", "source": "schedule"})
    )
    assert not ack.ok and ack.result["code"] == "auto_disarm_forbidden"
    ack = commands.send("perimeter", Command(name="bypass", args={"zone": "fence-n", "who": "李"}))
    assert not ack.ok and "bad arguments" in ack.detail
    args = {"zone": "fence-n", "who": "李", "reason": "围栏施工", "seconds": 3600}
    assert commands.send("perimeter", Command(name="bypass", args=args)).ok
    assert commands.send("perimeter", Command(name="arm", args={"partition": "P1", "who": "张保安"})).ok
    assert any(e.kind == "bypass" and e.data["reason"] == "围栏施工" for e in seen)
    assert [e.data["code"] for e in seen if e.kind == "command_rejected"] == [
        "zone_open",
        "auto_disarm_forbidden",
    ]
