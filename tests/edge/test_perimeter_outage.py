"""GB 50394: no alarm is missed. A zone tripped while the broker is down is an alarm in the console within 5 s
of the broker's return (the real perimeter service, a real Mosquitto, the console's API)."""

from __future__ import annotations

import signal
import time
from collections.abc import Callable, Iterator

import pytest
from fastapi.testclient import TestClient

from devices.bus import MqttSettings, MqttTransport, with_last_will
from perimeter import state_machine as sm
from property_console.api.services import services_of
from property_console.runtime import Runtime
from tests.edge.conftest import USERS, console_transport
from tests.perimeter_console.stack import INPUTS, Stack, wait_for
from tests.perimeter_console.test_full_run import alarm_of
from tests.uplink.mosquitto import PrivateMosquitto


@pytest.fixture
def mqtt_stack(broker: PrivateMosquitto, runtime: Runtime, app_client: TestClient) -> Iterator[Stack]:
    community = "C0001"
    edge_settings = MqttSettings.from_url(
        broker.url, username="edge", password=USERS["edge"], client_id="sc-C0001-perimeter", keepalive=2
    )
    edge = MqttTransport(with_last_will(edge_settings, community, "perimeter")).start()
    console = console_transport(broker)
    edge.wait_connected()
    running = Stack(community, edge, console, runtime.sessions, runtime.engine)
    services_of(app_client.app).perimeter = running.link
    time.sleep(1.5)  # the console's session is autosaved by Mosquitto (once a second)
    yield running
    running.stop()
    edge.stop()
    console.stop()


@pytest.mark.mosquitto
@pytest.mark.parametrize("seeded_url", ["sqlite"], indirect=True)
def test_zone_tripped_while_the_broker_is_down_is_an_alarm_soon_after_it_returns(
    mqtt_stack: Stack, broker: PrivateMosquitto, login: Callable[[str], TestClient]
) -> None:
    staff = login("staff")
    armed = mqtt_stack.service.poller.submit(sm.Arm(partition_id="P1", at=time.time(), who="test"))
    assert not [e for e in armed.result(5) if isinstance(e, sm.Rejected)]
    broker.stop(signal.SIGKILL)
    wait_for(lambda: not mqtt_stack.edge.transport.connected, 10)
    mqtt_stack.host.pulse(INPUTS["fence-n"])  # the intruder crosses while the link is down
    wait_for(lambda: mqtt_stack.edge.pending() > 0, 10)  # the alarm waits on disk
    time.sleep(3)
    assert alarm_of(staff, "fence-n") is None
    broker.start()
    alarm = wait_for(lambda: alarm_of(staff, "fence-n"), 5.0)  # GB 50394: within 5 s of the broker's return
    assert alarm["kind"] == "perimeter_intrusion" and "北围墙电子围栏" in alarm["message_zh"]
