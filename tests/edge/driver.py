"""An edge process for the delivery tests: `python -m tests.edge.driver KIND URL DATA_DIR FIRST LAST RATE`.

It builds the real edge bus (EdgeBus over MQTT, the durable outbox, last will) and produces events numbered
FIRST..LAST through the kind's own event builder: the door's controller-event mapping (BusEventSink), the gate's
pass record (GatePass), the perimeter's alarm sink (BusAlarmSink). Event ids are derived from (kind, number), so
an event produced again after a SIGKILL is the same event (the console keeps it once). After each event is in the
outbox it appends the number to DATA_DIR/produced (the test restarts a killed driver after the last one), then
waits for the outbox to drain and exits.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from devices.bus import Event
from devices.edge import BusConfig, EdgeBus

ROOT = Path(__file__).resolve().parents[2]
NAMESPACE = uuid.UUID("6f1c2a4e-8d3b-4c55-9e77-0a1b2c3d4e5f")
DEVICE = {"door": "DOOR-E-0001", "gate": "GATE-E-0001", "perimeter": "perimeter"}
COMMUNITY = "C0001"


def event_id(kind: str, n: int) -> uuid.UUID:
    """The id of event number n of this kind (the test expects exactly these)."""
    return uuid.uuid5(NAMESPACE, f"{kind}-{n}")


def producer(kind: str, edge: EdgeBus) -> Callable[[int], None]:
    """The kind's real builder, publishing into the edge's outbox with the deterministic id."""
    numbered: list[int] = [0]
    original = edge.events.publish_event

    def publish(event: Event) -> None:
        original(event.model_copy(update={"id": event_id(kind, numbered[0])}))

    edge.events.publish_event = publish  # type: ignore[method-assign]

    if kind == "door":
        from access.edge.events import BusEventSink

        sink = BusEventSink(edge.events)

        def door(n: int) -> None:
            numbered[0] = n
            sink.publish(
                {"id": str(uuid.uuid4()), "kind": "access_granted", "door": DEVICE["door"], "category": "resident",
                 "person": f"p-{n}", "score": 0.9, "ts": datetime.now(UTC).isoformat()}
            )  # fmt: skip

        return door
    if kind == "gate":
        from plate_gate.decision import Action, Decision, Direction
        from plate_gate.pass_events import GatePass

        def gate(n: int) -> None:
            numbered[0] = n
            decision = Decision(
                Action.OPEN, "resident", f"皖A{n:05d}", Direction.ENTRY, DEVICE["gate"], "P1", "放行", "open"
            )
            edge.events.publish_event(
                GatePass(decision, datetime.now(UTC), "blue", 0.99).event(DEVICE["gate"])
            )

        return gate
    from perimeter import state_machine as sm
    from perimeter.bus_link import BusAlarmSink
    from perimeter.config import SiteConfig

    site = SiteConfig.model_validate(
        {"community": COMMUNITY, "partitions": [{"id": "P1", "name": "周界"}],
         "zones": [{"id": "beam-e", "name": "东侧红外对射", "partition": "P1", "type": "perimeter"}]}
    )  # fmt: skip
    alarms = BusAlarmSink(edge.events, site, DEVICE["perimeter"])

    def perimeter(n: int) -> None:
        numbered[0] = n
        alarms.uuids[n] = event_id(kind, n)  # the console keys a perimeter alarm on its lifelong UUID
        alarm = sm.Alarm(
            n,
            sm.AlarmKind.INTRUSION,
            time.time(),
            "P1",
            "beam-e",
            None,
            True,
            "东侧红外对射报警",
            "beam alarm",
        )
        alarms.record(sm.AlarmRaised(alarm))

    return perimeter


class EdgeProcess:
    """This driver as a process of its own (tests and bench/e2e_chaos.py): killable, and restartable from where
    its produced-log ends."""

    def __init__(self, kind: str, url: str, data_dir: Path, count: int, rate: float) -> None:
        self.kind, self.url, self.dir, self.count, self.rate = kind, url, data_dir, count, rate
        self.dir.mkdir(parents=True, exist_ok=True)
        self.proc: subprocess.Popen[bytes] | None = None

    def produced(self) -> list[int]:
        log = self.dir / "produced"
        return [int(x) for x in log.read_text().split()] if log.exists() else []

    def start(self) -> EdgeProcess:
        first = max(self.produced(), default=0) + 1
        args = [self.kind, self.url, str(self.dir), str(first), str(self.count), str(self.rate)]
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        with (self.dir / "driver.log").open("ab") as out:  # the driver's own log, kept beside its outbox
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "tests.edge.driver", *args], cwd=ROOT, env=env, stdout=out, stderr=out
            )
        return self

    def done(self) -> bool:
        return self.proc is not None and self.proc.poll() is not None

    def kill(self) -> None:
        """SIGKILL: no cleanup, what was produced and not yet acknowledged stays in the outbox on disk."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(5)

    stop = kill

    def wait(self, timeout: float = 90) -> None:
        """Until the driver has produced its last event and the outbox drained; it must exit cleanly."""
        assert self.proc is not None
        assert self.proc.wait(timeout) == 0, (self.dir / "driver.log").read_text(errors="replace")[-2000:]


def main() -> None:
    kind, url, data, first, last, rate = sys.argv[1:7]
    data_dir = Path(data)
    edge = EdgeBus.connect(
        BusConfig(url=url, username="edge", password="edge-pw", keepalive=2),
        community=COMMUNITY, device_id=DEVICE[kind], data_dir=data_dir, kind=kind,
    )  # fmt: skip
    produce = producer(kind, edge)
    with (data_dir / "produced").open("a") as log:
        for n in range(int(first), int(last) + 1):
            produce(n)
            log.write(f"{n}\n")
            log.flush()
            time.sleep(1 / float(rate))
    while edge.pending():
        time.sleep(0.05)
    edge.close()


if __name__ == "__main__":
    main()
