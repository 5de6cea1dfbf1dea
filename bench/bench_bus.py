"""Bus round-trip latency publish -> consume at 1,000 events/s: our stack vs a raw paho loop, same broker.

Run: .venv/bin/python bench/bench_bus.py [seconds]
Brokers: Mosquitto at 127.0.0.1:1883 when reachable, and the embedded amqtt broker. "ours" = Event model +
BusClient + MqttTransport on both ends (pydantic validation included); "raw" = paho publish/on_message with a
bare timestamp payload on the same topic and wildcard filter. Latency is measured within one process with
perf_counter_ns; the embedded broker runs in this process too (as in `sc demo`).
"""

from __future__ import annotations

import socket
import statistics
import sys
import threading
import time
import uuid

import paho.mqtt.client as mqtt
from paho.mqtt.enums import CallbackAPIVersion

from devices.bus import (
    BusClient,
    Event,
    MqttSettings,
    MqttTransport,
    start_broker_process,
    start_embedded_broker,
)

RATE = 1000


def paced(seconds: float, send: object) -> int:
    """Call send(i) RATE times per second for `seconds`; returns how many were sent."""
    n = int(RATE * seconds)
    start = time.perf_counter()
    for i in range(n):
        target = start + i / RATE
        delay = target - time.perf_counter()
        if delay > 0:
            time.sleep(delay)
        send(i)  # type: ignore[operator]
    return n


def wait_count(samples: list[float], n: int, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while len(samples) < n and time.monotonic() < deadline:
        time.sleep(0.05)


def run_ours(host: str, port: int, seconds: float) -> tuple[list[float], int]:
    community = "bench" + uuid.uuid4().hex[:6]
    sub = MqttTransport(MqttSettings(host=host, port=port)).start()
    pub = MqttTransport(MqttSettings(host=host, port=port)).start()
    sub.wait_connected()
    pub.wait_connected()
    samples: list[float] = []

    def on_event(event: Event) -> None:
        samples.append((time.perf_counter_ns() - event.data["t"]) / 1e6)

    BusClient(sub, community).on_events(on_event, kind="bench")
    time.sleep(0.3)
    bus = BusClient(pub, community)
    n = paced(
        seconds,
        lambda i: bus.publish_event(Event(device_id="b", kind="bench", data={"t": time.perf_counter_ns()})),
    )
    wait_count(samples, n)
    sub.stop()
    pub.stop()
    return samples, n


def run_raw(host: str, port: int, seconds: float) -> tuple[list[float], int]:
    community = "raw" + uuid.uuid4().hex[:6]
    topic, topic_filter = (
        f"sc/{community}/b/event/bench",
        f"sc/{community}/+/event/bench",
    )  # same shape as ours
    samples: list[float] = []
    connected = threading.Event()
    sub = mqtt.Client(CallbackAPIVersion.VERSION2)
    sub.on_connect = lambda c, u, f, rc, p: (c.subscribe(topic_filter, 1), connected.set())
    sub.on_message = lambda c, u, m: samples.append((time.perf_counter_ns() - int(m.payload)) / 1e6)
    sub.connect(host, port)
    sub.loop_start()
    pub = mqtt.Client(CallbackAPIVersion.VERSION2)
    pub.connect(host, port)
    pub.loop_start()
    connected.wait(5)
    time.sleep(0.3)
    n = paced(seconds, lambda i: pub.publish(topic, str(time.perf_counter_ns()).encode(), qos=1))
    wait_count(samples, n)
    for client in (sub, pub):
        client.disconnect()
        client.loop_stop()
    return samples, n


def report(name: str, samples: list[float], sent: int) -> float:
    ordered = sorted(samples)
    if not ordered:
        print(f"  {name:<5} no messages received")
        return float("nan")
    p50 = statistics.median(ordered)
    p99 = ordered[min(len(ordered) - 1, int(0.99 * len(ordered)))]
    print(f"  {name:<5} p50 {p50:7.2f} ms  p99 {p99:8.2f} ms  received {len(ordered)}/{sent}")
    return p50


def reachable(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=0.5):
            return True
    except OSError:
        return False


def main() -> None:
    seconds = float(sys.argv[1]) if len(sys.argv) > 1 else 5.0
    brokers: list[tuple[str, str, int]] = []
    if reachable("127.0.0.1", 1883):
        brokers.append(("mosquitto 127.0.0.1:1883", "127.0.0.1", 1883))
    else:
        print("mosquitto at 127.0.0.1:1883 not reachable: skipped")
    handle = start_embedded_broker("127.0.0.1", 0)
    child = start_broker_process("127.0.0.1", 0)
    brokers.append((f"embedded amqtt in this process :{handle.port}", handle.host, handle.port))
    brokers.append((f"embedded amqtt in a child process :{child.port}", child.host, child.port))
    print(f"bus round trip at {RATE} events/s for {seconds:.0f} s, QoS 1")
    for label, host, port in brokers:
        print(label)
        raw = report("raw", *run_raw(host, port, seconds))
        ours = report("ours", *run_ours(host, port, seconds))
        print(f"  ratio ours/raw p50: {ours / raw:.2f}x")
    handle.stop()
    child.stop()


if __name__ == "__main__":
    main()
