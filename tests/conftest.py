"""Shared fixtures: databases (SQLite always, PostgreSQL when reachable; required in CI), API clients."""

from __future__ import annotations

import os
import socket
import uuid
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, text

from tests.browser import chromium  # noqa: F401  (session fixture for every browser test)

warnings.filterwarnings("ignore", message=".*httpx2.*")

PG_ADMIN_URL = os.environ.get("SC_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
REQUIRED = os.environ.get("SC_REQUIRE_SERVICES") == "1"


def service_up(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=1):
            return True
    except OSError:
        return False


def need_service(name: str, host: str, port: int) -> None:
    """Skip without the service on a laptop; fail in CI, where SC_REQUIRE_SERVICES=1 demands it."""
    if service_up(host, port):
        return
    if REQUIRED:
        pytest.fail(f"{name} at {host}:{port} is required (SC_REQUIRE_SERVICES=1) but unreachable")
    pytest.skip(f"{name} not reachable at {host}:{port}")


def need_tool(problem: str | None) -> None:
    """Skip when a tool the test uses is missing (`problem` says which); fail in CI (SC_REQUIRE_SERVICES=1), where
    `./sc test` installs it."""
    if problem is None:
        return
    if REQUIRED:
        pytest.fail(f"required (SC_REQUIRE_SERVICES=1): {problem}")
    pytest.skip(problem)


@pytest.fixture(scope="session")
def pg_server_url() -> Iterator[str]:
    """A fresh PostgreSQL database for this test session, dropped afterwards."""
    need_service("PostgreSQL", "127.0.0.1", 5432)
    with temp_pg_database("sc_test") as name:
        yield pg_url(name)


@contextmanager
def temp_pg_database(prefix: str = "sc_t", template: str | None = None) -> Iterator[str]:
    """A new PostgreSQL database (a copy of `template` if given), dropped WITH (FORCE) on exit; yields its name."""
    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    admin = pg_admin()
    copy = f' TEMPLATE "{template}"' if template else ""
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"{copy}'))
        yield name
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def pg_admin() -> Engine:
    return create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")


def pg_url(name: str) -> str:
    return PG_ADMIN_URL.rsplit("/", 1)[0] + "/" + name


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """An empty database of each kind; PostgreSQL gets a clean schema per test."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'sc.db'}"
        return
    url = request.getfixturevalue("pg_server_url")
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()
    yield url
