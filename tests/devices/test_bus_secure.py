"""A Mosquitto started by the test with TLS and username/password: auth works, wrong credentials are refused."""

from __future__ import annotations

import threading

import pytest

from devices.bus import BusAuthError, BusUnavailable, MqttSettings, MqttTransport
from tests.devices.dev_services import SecureBroker


def settings(broker: SecureBroker, **kw: object) -> MqttSettings:
    base: dict[str, object] = {
        "host": "127.0.0.1",
        "port": broker.port,
        "username": broker.username,
        "password": broker.password,
        "tls_ca": broker.ca,
    }
    return MqttSettings(**{**base, **kw})  # type: ignore[arg-type]


def test_right_credentials_over_tls_work(secure_mosquitto: SecureBroker) -> None:
    transport = MqttTransport(settings(secure_mosquitto)).start()
    try:
        transport.wait_connected(10)
        got = threading.Event()
        transport.subscribe("sc/secure/x/state", lambda t, p: got.set() if p == b"ok" else None)
        transport.publish("sc/secure/x/state", b"ok")
        assert got.wait(5)
    finally:
        transport.stop()


def test_wrong_password_is_refused(secure_mosquitto: SecureBroker) -> None:
    transport = MqttTransport(settings(secure_mosquitto, password="wrong")).start()
    try:
        with pytest.raises(BusAuthError):
            transport.wait_connected(3)
        assert not transport.connected
    finally:
        transport.stop()


def test_anonymous_is_refused(secure_mosquitto: SecureBroker) -> None:
    transport = MqttTransport(settings(secure_mosquitto, username=None, password=None)).start()
    try:
        with pytest.raises(BusAuthError):
            transport.wait_connected(3)
    finally:
        transport.stop()


def test_plain_tcp_to_tls_listener_never_connects(secure_mosquitto: SecureBroker) -> None:
    transport = MqttTransport(settings(secure_mosquitto, tls_ca=None)).start()
    try:
        with pytest.raises(BusUnavailable):
            transport.wait_connected(2)
    finally:
        transport.stop()
