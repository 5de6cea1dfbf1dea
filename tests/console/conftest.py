"""Console fixtures: a migrated database with the demo community (copied from a per-session template), clients."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from property_console.api.app import create_app
from property_console.config import Settings
from property_console.runtime import Runtime, open_runtime
from property_console.seed import DEMO_PASSWORD, seed_demo
from tests.conftest import pg_url, temp_pg_database


def _seed(url: str, data_dir: Path) -> None:
    rt = open_runtime(Settings(mode="test", data_dir=data_dir, database_url=url))
    with rt.sessions.begin() as db:
        seed_demo(db, "C0001", "示范小区")
    rt.engine.dispose()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("tpl") / "seeded.db"
    _seed(f"sqlite:///{path}", path.parent)
    return path


@pytest.fixture(scope="session")
def pg_template(pg_server_url: str) -> Iterator[str]:
    with temp_pg_database("sc_tpl") as name:
        _seed(pg_url(name), Path("/tmp"))
        yield name


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def seeded_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh copy of the seeded demo database, of each kind."""
    if request.param == "sqlite":
        target = tmp_path / "sc.db"
        shutil.copy(request.getfixturevalue("sqlite_template"), target)
        yield f"sqlite:///{target}"
        return
    with temp_pg_database("sc_t", template=request.getfixturevalue("pg_template")) as name:
        yield pg_url(name)


@pytest.fixture
def runtime(seeded_url: str, tmp_path: Path) -> Iterator[Runtime]:
    settings = Settings(mode="test", data_dir=tmp_path, database_url=seeded_url, max_upload_bytes=64 * 1024)
    rt = open_runtime(settings)
    yield rt
    rt.engine.dispose()


@pytest.fixture
def app_client(runtime: Runtime) -> TestClient:
    return TestClient(create_app(runtime.settings, runtime.engine))


@pytest.fixture
def login(app_client: TestClient) -> Callable[[str], TestClient]:
    """login('staff') → a client whose requests carry that demo user's bearer token."""

    def _login(username: str, password: str = DEMO_PASSWORD) -> TestClient:
        r = app_client.post("/api/auth/login", json={"username": username, "password": password})
        assert r.status_code == 200, r.text
        client = TestClient(app_client.app)
        client.headers["Authorization"] = f"Bearer {r.json()['token']}"
        return client

    return _login
