"""District fixtures: an empty migrated district database of each kind, its app, and digest/police clients."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient

from district_cloud import admin
from district_cloud.app import create_district_app
from district_cloud.config import DistrictSettings
from district_cloud.db import District, open_district
from tests.conftest import database_url, pg_server_url  # noqa: F401  (fixtures)

COMMUNITY, UPLINK_PASSWORD, POLICE_PASSWORD = "C0001", "uplink-Secret-1", "Police@2026"


def make_district(url: str, data_dir: Path) -> District:
    d = open_district(DistrictSettings(mode="test", data_dir=data_dir, database_url=url))
    with d.sessions.begin() as db:
        admin.put_community(db, COMMUNITY, "示范小区", UPLINK_PASSWORD, d.settings.realm)
        admin.put_community(db, "C0002", "第二小区", "other-Secret-2", d.settings.realm)
        admin.put_user(db, "district", POLICE_PASSWORD, "district_police", "区县民警")
        admin.put_user(db, "police", POLICE_PASSWORD, "community_police", "社区民警", COMMUNITY)
    return d


@pytest.fixture
def district(database_url: str, tmp_path: Path) -> Iterator[District]:  # noqa: F811
    d = make_district(database_url, tmp_path / "district")
    yield d
    d.engine.dispose()


@pytest.fixture
def district_client(district: District) -> TestClient:
    return TestClient(create_district_app(district.settings, district.engine), base_url="http://district")


@pytest.fixture
def community_client(district_client: TestClient) -> Callable[..., TestClient]:
    """A client authenticating as a community with HTTP digest."""

    def make(code: str = COMMUNITY, password: str = UPLINK_PASSWORD) -> TestClient:
        c = TestClient(district_client.app, base_url="http://district")
        c.auth = httpx.DigestAuth(code, password)
        return c

    return make


@pytest.fixture
def police_client(district_client: TestClient) -> Callable[[str], TestClient]:
    def make(username: str = "district") -> TestClient:
        r = district_client.post("/api/auth/login", json={"username": username, "password": POLICE_PASSWORD})
        assert r.status_code == 200, r.text
        c = TestClient(district_client.app, base_url="http://district")
        c.headers["Authorization"] = f"Bearer {r.json()['token']}"
        return c

    return make
