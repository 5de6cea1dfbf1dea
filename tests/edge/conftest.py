"""Fixtures: the seeded console database (from tests/console) and a private Mosquitto the tests may kill."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

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


@pytest.fixture
def broker(tmp_path: Path) -> Iterator[PrivateMosquitto]:
    """The real Mosquitto binary on a free port, persistence on; killed and restarted by the tests."""
    mq = PrivateMosquitto(tmp_path / "mosquitto", USERS, save_every_change=True).start()
    yield mq
    mq.stop()
