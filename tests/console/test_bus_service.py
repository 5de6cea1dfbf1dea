"""The console's bus at run time: Mosquitto (required in CI) or the embedded broker, events bridged into the store."""

from __future__ import annotations

import time

import pytest
from sqlalchemy import select

from devices.bus import BusClient, Event, MqttSettings, MqttTransport
from property_console.bus_service import mqtt_settings, start_bus
from property_console.models import Event as StoredEvent
from property_console.runtime import Runtime
from tests.conftest import need_service


def _wait_stored(runtime: Runtime, event_id: object, timeout: float = 5.0) -> StoredEvent | None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with runtime.sessions() as db:
            found = db.execute(select(StoredEvent).where(StoredEvent.id == event_id)).scalar_one_or_none()
        if found is not None:
            return found
        time.sleep(0.05)
    return None


def _roundtrip(runtime: Runtime) -> None:
    """Start the console bus, publish as a device on the same broker, find the event in the store."""
    bus = start_bus(runtime)
    host, port = "127.0.0.1", (bus.broker.port if bus.broker else 1883)
    device = MqttTransport(MqttSettings(host=host, port=port)).start()
    try:
        device.wait_connected()
        event = Event(device_id="DOOR-2-1-0002", kind="door_refused", data={"decision": "unknown"})
        BusClient(device, runtime.settings.community_code).publish_event(event)
        stored = _wait_stored(runtime, event.id)
        assert stored is not None and stored.decision == "unknown"
    finally:
        device.stop()
        bus.stop()


@pytest.mark.mosquitto
def test_events_from_mosquitto_reach_the_store(runtime: Runtime) -> None:
    need_service("Mosquitto", "127.0.0.1", 1883)
    runtime.settings.mqtt_url = "mqtt://127.0.0.1:1883"
    _roundtrip(runtime)


def test_embedded_broker_when_no_url(runtime: Runtime) -> None:
    runtime.settings.mqtt_url = ""
    runtime.settings.mqtt_embedded_port = 0  # any free port
    _roundtrip(runtime)


def test_mqtt_url_parsing() -> None:
    s = mqtt_settings("mqtts://gate%40c1:p%40ss@broker.local?ca=/etc/ca.pem")
    assert (s.host, s.port, s.username, s.password, s.tls_ca) == (
        "broker.local",
        8883,
        "gate@c1",
        "p@ss",
        "/etc/ca.pem",
    )
    assert mqtt_settings("mqtt://10.0.0.5").port == 1883
    with pytest.raises(ValueError, match="SC_MQTT_URL"):
        mqtt_settings("http://x")
