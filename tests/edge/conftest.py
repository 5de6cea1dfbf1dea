"""Fixtures: the seeded console database (from tests/console) and a private Mosquitto the tests may kill."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from devices.bus import MqttSettings, MqttTransport
from tests.console.conftest import (  # noqa: F401  (re-exported fixtures)
    app_client,
    login,
    pg_template,
    runtime,
    seeded_url,
    sqlite_template,
)
from tests.uplink.mosquitto import PrivateMosquitto

USERS = {"edge": "edge-pw", "console": "console-pw"}


def console_transport(broker: PrivateMosquitto) -> MqttTransport:
    """The console's side of the bus, connected: a persistent session (clean_session false) under its own client
    id, as `sc serve` holds one, so the broker keeps what edges send while the console is away."""
    settings = MqttSettings.from_url(
        broker.url, username="console", password=USERS["console"], client_id=f"console-{uuid.uuid4().hex[:8]}"
    )
    transport = MqttTransport(settings.model_copy(update={"clean_session": False})).start()
    transport.wait_connected(10)
    return transport


@pytest.fixture
def broker(tmp_path: Path) -> Iterator[PrivateMosquitto]:
    """The real Mosquitto binary on a free port, persistence on; killed and restarted by the tests."""
    mq = PrivateMosquitto(tmp_path / "mosquitto", USERS, save_every_change=True).start()
    yield mq
    mq.stop()
