"""MQTT transport: in-process round trip, a real Mosquitto killed and restarted mid-stream, the persistent session
keeping uploads for an offline district, and broker credentials refused."""

from __future__ import annotations

import signal
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select

from devices.bus.memory import InProcessBus
from district_cloud import models as dm
from district_cloud.db import District
from district_cloud.mqtt_intake import MqttIntake
from property_console.runtime import Runtime
from property_console.uplink.delivery import UplinkWorker
from property_console.uplink.mqtt_transport import MqttUplinkTransport, broker_settings
from property_console.uplink.service import make_transport
from property_console.uplink.settings import UplinkSettings
from property_console.uplink.transport import ConfigError, TransientError
from tests.district_cloud.conftest import COMMUNITY, UPLINK_PASSWORD
from tests.uplink.conftest import drain, uplink_settings
from tests.uplink.mosquitto import PrivateMosquitto
from tests.uplink.test_reliability import _backlog, _edit, _wait, assert_exactly_once_in_order

BROKER_PW, DISTRICT_PW = "broker-C0001-pw", "broker-district-pw"


def _settings(url: str, **kw: object) -> UplinkSettings:
    return uplink_settings(url, transport="mqtt", mqtt_password=BROKER_PW, timeout_seconds=2, **kw)


def _intake(district: District, url: str) -> MqttIntake:
    s = district.settings.model_copy(
        update={"mqtt_url": url, "mqtt_username": "district", "mqtt_password": DISTRICT_PW}
    )
    return MqttIntake(district.sessions, s).start()


def _receipts(district: District) -> int:
    with district.sessions() as db:
        return int(db.execute(select(func.count()).select_from(dm.Receipt)).scalar_one())


@pytest.fixture
def broker(tmp_path: Path) -> Iterator[PrivateMosquitto]:
    b = PrivateMosquitto(tmp_path / "mosquitto", {COMMUNITY: BROKER_PW, "district": DISTRICT_PW}).start()
    yield b
    b.stop(signal.SIGKILL)


def test_in_process_round_trip(runtime: Runtime, district: District) -> None:
    hub = InProcessBus()
    intake = MqttIntake(district.sessions, district.settings, bus=hub.connect()).start()
    s = _settings("mqtt://unused")
    w = UplinkWorker(runtime.sessions, s, MqttUplinkTransport(s, COMMUNITY, bus=hub.connect()), COMMUNITY)
    try:
        w.keepalive()
        drain(w)
        _edit(runtime, 2)
        drain(w)
    finally:
        intake.stop()
    with district.sessions() as db:
        assert db.get(dm.Community, COMMUNITY).registered  # type: ignore[union-attr]
    assert_exactly_once_in_order(runtime, district)


def _keep_editing(runtime: Runtime, stop: threading.Event) -> None:
    while not stop.is_set():
        _edit(runtime, 1)
        time.sleep(0.05)


def test_broker_killed_and_restarted_mid_stream(
    runtime: Runtime, district: District, broker: PrivateMosquitto
) -> None:
    intake = _intake(district, broker.url)
    s = _settings(broker.url, batch_size=20)
    worker = UplinkWorker(runtime.sessions, s, make_transport(s, COMMUNITY), COMMUNITY).start()
    stop = threading.Event()
    editor = threading.Thread(target=_keep_editing, args=(runtime, stop))
    try:
        _wait(lambda: _backlog(runtime) == 0)
        editor.start()
        # graceful (persisted), then hard (what was not autosaved or in flight is lost: the outbox resends it)
        for sig in (signal.SIGTERM, signal.SIGKILL):
            time.sleep(0.5)
            failures = worker.state.failures
            broker.stop(sig)
            _wait(lambda f=failures: worker.state.failures > f)  # noticed the outage, records keep coming
            broker.start()
            _wait(lambda: worker.state.failures == 0)
        stop.set()
        editor.join()
        _wait(lambda: _backlog(runtime) == 0)
    finally:
        stop.set()
        worker.stop()
        intake.stop()
    assert_exactly_once_in_order(runtime, district)


@pytest.mark.parametrize("seeded_url", ["sqlite"], indirect=True)
def test_persistent_session_keeps_uploads_for_offline_district(
    runtime: Runtime, district: District, broker: PrivateMosquitto
) -> None:
    intake = _intake(district, broker.url)
    s = _settings(broker.url, batch_size=20)
    w = UplinkWorker(runtime.sessions, s, make_transport(s, COMMUNITY), COMMUNITY)
    try:
        for attempt in range(10):  # until the intake has connected and subscribed (it answers)
            try:
                w.keepalive()
                break
            except TransientError:
                assert attempt < 9
        intake.stop()  # offline; its session and subscription stay at the broker
        with pytest.raises(TransientError, match="no answer"):
            w.run_once()
        assert _receipts(district) == 0
        intake = _intake(district, broker.url)  # same client id: the broker delivers what it kept
        _wait(lambda: _receipts(district) > 0, 20)  # stored without the console sending again
        drain(w)
    finally:
        w.transport.close()
        intake.stop()
    assert_exactly_once_in_order(runtime, district)


@pytest.mark.parametrize("seeded_url", ["sqlite"], indirect=True)
def test_broker_refuses_wrong_credentials(runtime: Runtime, broker: PrivateMosquitto) -> None:
    s = uplink_settings(broker.url, transport="mqtt", mqtt_password="wrong", timeout_seconds=1)
    w = UplinkWorker(runtime.sessions, s, make_transport(s, COMMUNITY), COMMUNITY)
    try:
        with pytest.raises(ConfigError, match="refused"):
            w.keepalive()
    finally:
        w.transport.close()
    assert UPLINK_PASSWORD not in repr(s)


def test_broker_settings_from_the_uplink_url() -> None:
    s = broker_settings(_settings("mqtt://broker.example"), COMMUNITY)
    assert (s.host, s.port, s.client_id, s.username, s.clean_session) == (
        "broker.example",
        1883,
        "sc-uplink-C0001",
        COMMUNITY,
        False,
    )
    assert s.password == BROKER_PW and BROKER_PW not in repr(s)
    with pytest.raises(ConfigError):
        broker_settings(_settings("http://district"), COMMUNITY)  # not MQTT
    tls = broker_settings(
        _settings("mqtts://broker.example"), COMMUNITY
    )  # TLS, no CA file: the system bundle
    assert (tls.port, tls.tls_ca) == (8883, "/etc/ssl/certs/ca-certificates.crt")
