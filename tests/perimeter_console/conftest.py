"""Fixtures: the seeded console database (from tests/console), and the perimeter stack on an in-process bus."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from devices.bus import InProcessBus
from property_console.api.services import services_of
from property_console.runtime import Runtime
from tests.console.conftest import (  # noqa: F401  (re-exported fixtures)
    app_client,
    login,
    pg_template,
    runtime,
    seeded_url,
    sqlite_template,
)
from tests.perimeter_console.stack import Stack


@pytest.fixture
def stack(runtime: Runtime, app_client: object) -> Iterator[Stack]:  # noqa: F811
    hub = InProcessBus()
    running = Stack("C0001", hub.connect(), hub.connect(), runtime.sessions, runtime.engine)
    services_of(app_client.app).perimeter = running.link
    yield running
    running.stop()
