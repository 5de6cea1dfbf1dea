"""The same full run against a real Mosquitto broker: trip → console alarm record; arm refused/accepted."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator

import pytest
from fastapi.testclient import TestClient

from devices.bus import MqttSettings, MqttTransport, state_topic
from property_console.api.services import services_of
from property_console.runtime import Runtime
from tests.conftest import need_service
from tests.perimeter_console.stack import INPUTS, Stack, wait_for
from tests.perimeter_console.test_full_run import alarm_of

HOST, PORT = "127.0.0.1", 1883


@pytest.fixture
def mqtt_stack(runtime: Runtime, app_client: TestClient) -> Iterator[Stack]:
    need_service("mosquitto", HOST, PORT)
    community = f"t{uuid.uuid4().hex[:10]}"  # retained state of other runs stays out of the way
    edge = MqttTransport(MqttSettings(host=HOST, port=PORT)).start()
    console = MqttTransport(MqttSettings(host=HOST, port=PORT)).start()
    edge.wait_connected()
    console.wait_connected()
    running = Stack(community, edge, console, runtime.sessions, runtime.engine)
    services_of(app_client.app).perimeter = running.link
    yield running
    running.stop()
    running.service.status.clear()
    edge.publish(state_topic(community, "perimeter"), b"", retain=True)
    edge.stop()
    console.stop()


@pytest.mark.parametrize("seeded_url", ["sqlite"], indirect=True)
def test_trip_over_mosquitto_reaches_the_console(
    mqtt_stack: Stack, login: Callable[[str], TestClient]
) -> None:
    staff = login("staff")
    mqtt_stack.host.trip(INPUTS["office-pir"])
    wait_for(lambda: next(z for z in mqtt_stack.link.view()["zones"] if z["id"] == "office-pir")["open"])
    r = staff.post("/api/perimeter/partitions/P2/arm")
    assert r.status_code == 409 and "物业中心红外" in r.json()["errors"][0]["message_zh"]
    mqtt_stack.host.restore(INPUTS["office-pir"])
    wait_for(lambda: not next(z for z in mqtt_stack.link.view()["zones"] if z["id"] == "office-pir")["open"])
    assert staff.post("/api/perimeter/partitions/P2/arm").status_code == 200
    mqtt_stack.host.pulse(INPUTS["office-pir"])
    alarm = wait_for(lambda: alarm_of(staff, "office-pir"))
    assert alarm["kind"] == "perimeter_intrusion" and "物业中心红外" in alarm["message_zh"]
