"""Edge outbox throughput: events/s with the durable write before publish, beside publishing without it.

Run: .venv/bin/python bench/bench_outbox.py [events] [rounds]
Broker: Mosquitto at 127.0.0.1:1883 (the real one). Both sides publish the same door-pass Event through
BusClient + MqttTransport at QoS 1 as fast as they can, and the clock stops when the broker has acknowledged
every message (PUBACK): "outbox" = Outbox (SQLite WAL INSERT committed before the first send, DELETE after the
PUBACK), "direct" = the transport alone (what a message is worth when the process dies: nothing).
Goal (issue 23): ≥ 1,000 events/s per edge process with the durable write.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

from devices.bus import BusClient, Event, MqttSettings, MqttTransport, Outbox

HOST, PORT = "127.0.0.1", 1883


def event() -> Event:
    data = {"decision": "resident", "subject": "p-1", "detail": {"door": "DOOR-1-1-0001", "score": 0.93}}
    return Event(device_id="DOOR-1-1-0001", kind="door_pass", data=data)


def direct(n: int) -> float:
    transport = MqttTransport(MqttSettings(host=HOST, port=PORT)).start()
    transport.wait_connected()
    acked = threading.Semaphore(0)
    transport.on_published(lambda _mid: acked.release())
    bus = BusClient(transport, "bench" + uuid.uuid4().hex[:6])
    events = [event() for _ in range(n)]
    start = time.perf_counter()
    for e in events:
        bus.publish_event(e)
    for _ in range(n):
        acked.acquire(timeout=30)
    elapsed = time.perf_counter() - start
    transport.stop()
    return n / elapsed


def outbox(n: int, folder: Path) -> float:
    transport = MqttTransport(MqttSettings(host=HOST, port=PORT)).start()
    transport.wait_connected()
    box = Outbox(transport, folder / f"{uuid.uuid4().hex}.db")
    bus = BusClient(box, "bench" + uuid.uuid4().hex[:6])
    events = [event() for _ in range(n)]
    start = time.perf_counter()
    for e in events:
        bus.publish_event(e)
    assert box.flush(60), "outbox not drained"
    elapsed = time.perf_counter() - start
    box.stop()
    return n / elapsed


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 5000
    rounds = int(sys.argv[2]) if len(sys.argv) > 2 else 5
    results: dict[str, list[float]] = {"direct": [], "outbox": []}
    with tempfile.TemporaryDirectory() as tmp:
        for _ in range(rounds):  # interleaved: the machine is shared and noisy
            results["direct"].append(direct(n))
            results["outbox"].append(outbox(n, Path(tmp)))
    base = statistics.median(results["direct"])
    print(f"{n} events x {rounds} rounds, QoS 1, Mosquitto {HOST}:{PORT}; events/s until every PUBACK")
    print(f"{'':8} {'median':>9} {'min':>9} {'max':>9} {'vs direct':>10}")
    for name, values in results.items():
        med = statistics.median(values)
        print(f"{name:8} {med:9.0f} {min(values):9.0f} {max(values):9.0f} {med / base:9.2f}x")


if __name__ == "__main__":
    main()
