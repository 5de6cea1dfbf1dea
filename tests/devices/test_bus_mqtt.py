"""MQTT transport against the CI Mosquitto (127.0.0.1:1883) and the embedded amqtt broker."""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from devices.bus import (
    Ack,
    BrokerHandle,
    BusClient,
    Command,
    CommandClient,
    DeviceState,
    Event,
    IdempotentConsumer,
    MqttSettings,
    MqttTransport,
    Outbox,
    announce_online,
    keep_online,
    serve_commands,
    state_topic,
    with_last_will,
)
from devices.faults import TcpFaultProxy


@pytest.fixture(params=["mosquitto", "embedded"])
def broker(request: pytest.FixtureRequest) -> tuple[str, int]:
    """Run each test against both brokers."""
    if request.param == "mosquitto":
        request.applymarker(pytest.mark.mosquitto)
        return request.getfixturevalue("system_mosquitto")  # type: ignore[no-any-return]
    handle: BrokerHandle = request.getfixturevalue("embedded_broker")
    return (handle.host, handle.port)


@pytest.fixture
def connect() -> Iterator[Callable[..., MqttTransport]]:
    made: list[MqttTransport] = []

    def factory(host: str, port: int, **kw: object) -> MqttTransport:
        transport = MqttTransport(MqttSettings(host=host, port=port, **kw)).start()  # type: ignore[arg-type]
        made.append(transport)
        transport.wait_connected(10)
        return transport

    yield factory
    for transport in made:
        transport.stop()


def wait_for(cond: Callable[[], bool], timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not cond():
        if time.monotonic() > deadline:
            raise AssertionError("condition not met in time")
        time.sleep(0.01)


def community() -> str:
    return "t" + uuid.uuid4().hex[:10]


def subscribed(transport: MqttTransport, topic: str) -> None:
    """Wait until a subscription is active by round-tripping a marker message."""
    seen = threading.Event()
    marker = f"probe/{uuid.uuid4().hex}"
    transport.subscribe(marker, lambda t, p: seen.set())
    transport.publish(marker, b"1")
    assert seen.wait(5)


def test_events_and_retained_state(broker: tuple[str, int], connect: Callable[..., MqttTransport]) -> None:
    c = community()
    sub, pub = connect(*broker), connect(*broker)
    got: list[Event] = []
    BusClient(sub, c).on_events(IdempotentConsumer(got.append), kind="plate")
    subscribed(sub, f"sc/{c}/x/event/plate")
    event = Event(device_id="gate-1", kind="plate", data={"plate": "沪B12345"})
    bus = BusClient(pub, c)
    bus.publish_event(event)
    bus.publish_event(event)  # redelivery: consumer must handle once
    bus.publish_state(DeviceState(device_id="gate-1", online=True))
    late = connect(*broker)
    states: list[DeviceState] = []
    BusClient(late, c).on_state(states.append)
    wait_for(lambda: bool(got) and bool(states))
    time.sleep(0.1)
    assert got == [event] and states[0].online
    pub.publish(state_topic(c, "gate-1"), b"", retain=True)


def test_command_round_trip(broker: tuple[str, int], connect: Callable[..., MqttTransport]) -> None:
    c = community()
    device = connect(*broker)
    serve_commands(device, c, "relay-1", lambda cmd: Ack(command_id=cmd.id, ok=True, detail="pulsed"))
    subscribed(device, f"sc/{c}/relay-1/cmd/x")
    client = CommandClient(connect(*broker), c)
    time.sleep(0.2)
    ack = client.send("relay-1", Command(name="pulse", timeout_s=5))
    assert ack.ok and ack.detail == "pulsed"


def test_last_will_marks_device_offline(
    broker: tuple[str, int], connect: Callable[..., MqttTransport]
) -> None:
    c = community()
    proxy = TcpFaultProxy(*broker)
    watcher = connect(*broker)
    states: list[DeviceState] = []
    BusClient(watcher, c).on_state(states.append, device_id="cam-1")
    settings = with_last_will(MqttSettings(host=proxy.host, port=proxy.port, keepalive=5), c, "cam-1")
    device = MqttTransport(settings).start()
    device.wait_connected()
    announce_online(BusClient(device, c), "cam-1", firmware="1.2")
    wait_for(lambda: any(s.online for s in states))
    proxy.refuse = True
    proxy.disconnect()  # the cable is cut: no DISCONNECT packet, the broker must publish the will
    wait_for(lambda: not states[-1].online)
    assert states[-1].info == {"reason": "last_will"}
    device.stop()
    proxy.close()
    watcher.publish(state_topic(c, "cam-1"), b"", retain=True)


def test_outbox_survives_broker_outage_in_order(
    broker: tuple[str, int], connect: Callable[..., MqttTransport], tmp_path: Path
) -> None:
    c = community()
    proxy = TcpFaultProxy(*broker)
    watcher = connect(*broker)
    got: list[int] = []
    # QoS 1 is at-least-once: PUBACKs lost in the cut cause redelivery, so consume idempotently
    BusClient(watcher, c).on_events(IdempotentConsumer(lambda e: got.append(e.data["n"])))
    subscribed(watcher, f"sc/{c}/x/event/k")
    edge = connect(proxy.host, proxy.port)
    pub = Outbox(edge, tmp_path / "buf.db", retry_interval=0.05)
    bus = BusClient(pub, c)
    for n in range(20):
        bus.publish_event(Event(device_id="host-1", kind="zone", data={"n": n}))
    wait_for(lambda: len(got) == 20)
    assert pub.flush(5)  # every PUBACK in: nothing left on disk
    proxy.refuse = True
    proxy.disconnect()
    wait_for(lambda: not edge.connected)
    for n in range(20, 120):
        bus.publish_event(Event(device_id="host-1", kind="zone", data={"n": n}))
    assert pub.pending() == 100
    proxy.refuse = False
    assert pub.flush(20)
    wait_for(lambda: len(got) >= 120)
    assert got == list(range(120))
    pub.stop()
    proxy.close()


def test_broker_in_child_process_carries_messages(connect: Callable[..., MqttTransport]) -> None:
    from devices.bus import start_broker_process

    child = start_broker_process("127.0.0.1", 0)
    try:
        transport = connect(child.host, child.port)
        got = threading.Event()
        transport.subscribe("sc/c/x/state", lambda t, p: got.set())
        subscribed(transport, "sc/c/x/state")
        transport.publish("sc/c/x/state", b"{}")
        assert got.wait(5)
    finally:
        child.stop()
    assert child.process.returncode is not None


def test_split_and_delayed_mqtt_packets_still_deliver(
    broker: tuple[str, int], connect: Callable[..., MqttTransport]
) -> None:
    c = community()
    proxy = TcpFaultProxy(*broker)
    try:
        proxy.up.split = 7  # every packet from the edge arrives in 7-byte pieces
        proxy.down.delay = 0.02
        edge = connect(proxy.host, proxy.port)
        watcher = connect(*broker)
        got: list[int] = []
        BusClient(watcher, c).on_events(IdempotentConsumer(lambda e: got.append(e.data["n"])))
        subscribed(watcher, f"sc/{c}/x/event/k")
        bus = BusClient(edge, c)
        for n in range(10):
            bus.publish_event(Event(device_id="d", kind="k", data={"n": n, "pad": "x" * 100}))
        wait_for(lambda: len(got) == 10)
        assert got == list(range(10))
    finally:
        proxy.close()


def test_presence_is_announced_again_after_the_link_returns(
    broker: tuple[str, int], connect: Callable[..., MqttTransport]
) -> None:
    """A cut link leaves the will's retained `offline`; keep_online replaces it once the device reconnects."""
    c = community()
    proxy = TcpFaultProxy(*broker)
    watcher = connect(*broker)
    states: list[DeviceState] = []
    BusClient(watcher, c).on_state(states.append, device_id="host-1")
    settings = with_last_will(MqttSettings(host=proxy.host, port=proxy.port, keepalive=5), c, "host-1")
    device = MqttTransport(settings)
    keep_online(
        device, BusClient(device, c), "host-1", kind="perimeter"
    )  # before connecting: runs on connect
    device.start()
    wait_for(lambda: bool(states) and states[-1].online)
    proxy.disconnect()  # cable cut; the proxy accepts again at once, paho reconnects by itself
    wait_for(lambda: len(states) >= 3 and states[-1].online, timeout=30)
    assert [s.online for s in states[:3]] == [True, False, True]
    assert states[1].info == {"reason": "last_will"} and states[2].info == {"kind": "perimeter"}
    device.stop()
    proxy.close()
    watcher.publish(state_topic(c, "host-1"), b"", retain=True)
