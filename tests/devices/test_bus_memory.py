"""In-process transport, typed client, commands with acks/timeouts, idempotent consumers."""

from __future__ import annotations

import threading

import pytest

from devices.bus import (
    Ack,
    BusClient,
    BusUnavailable,
    Command,
    CommandClient,
    CommandTimeout,
    ConfigPayload,
    DeviceState,
    Event,
    IdempotentConsumer,
    InProcessBus,
    serve_commands,
)


def test_events_reach_matching_subscribers_only() -> None:
    hub = InProcessBus()
    bus = BusClient(hub.connect(), "c1")
    plates: list[Event] = []
    alarms: list[Event] = []
    bus.on_events(plates.append, kind="plate")
    bus.on_events(alarms.append, device_id="host-1")
    bus.publish_event(Event(device_id="gate-1", kind="plate", data={"plate": "京A1"}))
    bus.publish_event(Event(device_id="host-1", kind="zone_trip"))
    assert [e.data["plate"] for e in plates] == ["京A1"]
    assert [e.kind for e in alarms] == ["zone_trip"]


def test_retained_state_and_config_replayed_to_late_subscriber() -> None:
    hub = InProcessBus()
    bus = BusClient(hub.connect(), "c1")
    bus.publish_state(DeviceState(device_id="gate-1", online=True))
    bus.publish_config(ConfigPayload(kind="zones", revision=7))
    late = BusClient(hub.connect(), "c1")
    states: list[DeviceState] = []
    configs: list[ConfigPayload] = []
    late.on_state(states.append)
    late.on_config(configs.append)
    assert states[0].online and configs[0].revision == 7


def test_invalid_payload_is_dropped_not_raised() -> None:
    hub = InProcessBus()
    transport = hub.connect()
    got: list[Event] = []
    BusClient(transport, "c1").on_events(got.append)
    transport.publish("sc/c1/x/event/k", b'{"v": 1, "nonsense": true}')
    assert got == []


def test_idempotent_consumer_drops_redelivery_and_retries_after_failure() -> None:
    calls: list[Event] = []
    fail = [True]

    def handler(event: Event) -> None:
        if fail[0]:
            fail[0] = False
            raise RuntimeError("db down")
        calls.append(event)

    consumer = IdempotentConsumer(handler)
    event = Event(device_id="d", kind="k")
    with pytest.raises(RuntimeError):
        consumer(event)
    assert consumer(event) is True
    assert consumer(Event.from_bytes(event.to_bytes())) is False
    assert calls == [event] and consumer.duplicates == 1


def test_idempotent_consumer_memory_is_bounded() -> None:
    consumer = IdempotentConsumer(lambda e: None, capacity=2)
    events = [Event(device_id="d", kind="k") for _ in range(3)]
    for event in events:
        consumer(event)
    assert not consumer.seen(events[0].id) and consumer.seen(events[2].id)


def test_command_acknowledged() -> None:
    hub = InProcessBus()

    def handler(cmd: Command) -> Ack:
        return Ack(command_id=cmd.id, ok=True, result={"seconds": cmd.args["seconds"]})

    serve_commands(hub.connect(), "c1", "gate-1", handler)
    client = CommandClient(hub.connect(), "c1")
    ack = client.send("gate-1", Command(name="open", args={"seconds": 3}))
    assert ack.ok and ack.result == {"seconds": 3}


def test_command_handler_error_gives_negative_ack() -> None:
    hub = InProcessBus()

    def handler(cmd: Command) -> Ack:
        raise ValueError("relay stuck")

    serve_commands(hub.connect(), "c1", "gate-1", handler)
    ack = CommandClient(hub.connect(), "c1").send("gate-1", Command(name="open"))
    assert not ack.ok and "relay stuck" in ack.detail


def test_command_times_out_when_nobody_answers() -> None:
    hub = InProcessBus()
    client = CommandClient(hub.connect(), "c1")
    with pytest.raises(CommandTimeout):
        client.send("ghost", Command(name="open", timeout_s=0.05))


def test_stopped_or_down_transport_raises_unavailable() -> None:
    hub = InProcessBus()
    transport = hub.connect()
    hub.up = False
    with pytest.raises(BusUnavailable):
        transport.publish("sc/c1/x/state", b"{}")
    hub.up = True
    transport.stop()
    with pytest.raises(BusUnavailable):
        transport.publish("sc/c1/x/state", b"{}")


def test_concurrent_publishers_deliver_everything() -> None:
    hub = InProcessBus()
    got: list[Event] = []
    lock = threading.Lock()

    def add(event: Event) -> None:
        with lock:
            got.append(event)

    BusClient(hub.connect(), "c1").on_events(add)
    sender = BusClient(hub.connect(), "c1")
    threads = [
        threading.Thread(
            target=lambda: [sender.publish_event(Event(device_id="d", kind="k")) for _ in range(200)]
        )
        for _ in range(4)
    ]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert len({e.id for e in got}) == 800


def test_presence_helpers() -> None:
    from devices.bus import MqttSettings, announce_offline, announce_online, with_last_will

    settings = with_last_will(MqttSettings(), "c1", "gate-1")
    assert settings.will_topic == "sc/c1/gate-1/state"
    assert DeviceState.from_bytes(settings.will_payload).online is False
    hub = InProcessBus()
    bus = BusClient(hub.connect(), "c1")
    states: list[DeviceState] = []
    bus.on_state(states.append)
    announce_online(bus, "gate-1", firmware="2.0")
    announce_offline(bus, "gate-1")
    assert [(s.online, s.info) for s in states] == [
        (True, {"firmware": "2.0"}),
        (False, {"reason": "shutdown"}),
    ]
