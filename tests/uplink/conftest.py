"""Uplink fixtures: the seeded console (from tests/console) and a district of the same database kind."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from district_cloud.app import create_district_app
from district_cloud.db import District
from property_console.runtime import Runtime
from property_console.uplink.delivery import UplinkWorker
from property_console.uplink.settings import UplinkSettings
from property_console.uplink.transport import HttpTransport
from tests.conftest import pg_server_url, pg_url, temp_pg_database  # noqa: F401  (fixtures)
from tests.console.conftest import (  # noqa: F401  (fixtures)
    app_client,
    login,
    pg_template,
    runtime,
    seeded_url,
    sqlite_template,
)
from tests.district_cloud.conftest import COMMUNITY, UPLINK_PASSWORD, make_district


@pytest.fixture
def district_url(seeded_url: str, tmp_path: Path) -> Iterator[str]:  # noqa: F811
    """A district database of the same kind as the console's."""
    if seeded_url.startswith("sqlite"):
        yield f"sqlite:///{tmp_path / 'district.db'}"
        return
    with temp_pg_database("scd_t") as name:
        yield pg_url(name)


@pytest.fixture
def district(district_url: str, tmp_path: Path) -> Iterator[District]:
    d = make_district(district_url, tmp_path / "district")
    yield d
    d.engine.dispose()


def uplink_settings(url: str = "http://district", **kw: object) -> UplinkSettings:
    base: dict[str, object] = {
        "url": url,
        "password": UPLINK_PASSWORD,
        "batch_size": 100,
        "backoff_base": 0.05,
        "backoff_max": 0.3,
        "idle_seconds": 0.05,
        "keepalive_seconds": 3600,
    }
    return UplinkSettings(**{**base, **kw})  # type: ignore[arg-type]


@pytest.fixture
def worker(runtime: Runtime, district: District) -> Iterator[UplinkWorker]:  # noqa: F811
    """A worker talking to the district app in-process (httpx TestClient, real digest auth)."""
    client = TestClient(create_district_app(district.settings, district.engine), base_url="http://district")
    s = uplink_settings()
    w = UplinkWorker(runtime.sessions, s, HttpTransport(s, COMMUNITY, client=client), COMMUNITY)
    yield w
    w.transport.close()


def drain(w: UplinkWorker, rounds: int = 1000) -> int:
    """Deliver until the outbox is empty; returns rows settled."""
    total = 0
    for _ in range(rounds):
        n = w.run_once()
        if n == 0:
            return total
        total += n
    raise AssertionError("outbox did not drain")
