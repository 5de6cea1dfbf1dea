"""Fixtures for devices/ tests: brokers (system, embedded, secured) and bus transports."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from devices.bus import BrokerHandle, start_embedded_broker
from tests.devices.dev_services import SecureBroker, require_service, start_secure_mosquitto


@pytest.fixture
def system_mosquitto() -> tuple[str, int]:
    """The CI Mosquitto at 127.0.0.1:1883 (fail under SC_REQUIRE_SERVICES=1, else skip)."""
    require_service("Mosquitto", "127.0.0.1", 1883)
    return ("127.0.0.1", 1883)


@pytest.fixture
def embedded_broker() -> Iterator[BrokerHandle]:
    """An amqtt broker on a free loopback port."""
    handle = start_embedded_broker("127.0.0.1", 0)
    yield handle
    handle.stop()


@pytest.fixture(scope="module")
def secure_mosquitto(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SecureBroker]:
    """Our own Mosquitto with TLS + password."""
    if not os.path.exists("/usr/sbin/mosquitto"):
        if os.environ.get("SC_REQUIRE_SERVICES") == "1":
            pytest.fail("/usr/sbin/mosquitto missing")
        pytest.skip("/usr/sbin/mosquitto missing")
    folder: Path = tmp_path_factory.mktemp("mosq")
    broker = start_secure_mosquitto(folder)
    yield broker
    broker.process.terminate()
    broker.process.wait(5)
