"""The sc CLI: init creates the schema and first admin; users create/list/set-password/unlock."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import create_engine, inspect, select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from property_console.cli import app
from property_console.models import User


@pytest.fixture
def env(database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("SC_MODE", "test")
    monkeypatch.setenv("SC_DATABASE_URL", database_url)
    monkeypatch.setenv("SC_DATA_DIR", str(tmp_path))
    return database_url


def _user(url: str, name: str) -> User | None:
    engine = create_engine(url)
    with Session(engine) as db:
        user = db.execute(select(User).where(User.username == name)).scalar_one_or_none()
    engine.dispose()
    return user


def test_init_creates_schema_and_admin(env: str) -> None:
    run = CliRunner().invoke(app, ["init", "--admin-password", "Str0ng-pass"])
    assert run.exit_code == 0, run.output
    assert "persons" in inspect(create_engine(env)).get_table_names()
    admin = _user(env, "admin")
    assert admin is not None and admin.role == "property_admin"
    again = CliRunner().invoke(app, ["init", "--admin-password", "Str0ng-pass"])
    assert again.exit_code == 0 and "已存在" in again.output


def test_init_refuses_weak_password(env: str) -> None:
    run = CliRunner().invoke(app, ["init", "--admin-password", "short"])
    assert run.exit_code == 1 and "密码强度不足" in run.output
    assert _user(env, "admin") is None


def test_users_commands(env: str) -> None:
    runner = CliRunner()
    created = runner.invoke(
        app, ["users", "create", "lixiao", "--role", "grid_worker", "--password", "Gr1d-worker"]
    )
    assert created.exit_code == 0, created.output
    listed = runner.invoke(app, ["users", "list"])
    assert "lixiao" in listed.output and "grid_worker" in listed.output
    assert (
        runner.invoke(app, ["users", "set-password", "lixiao", "--password", "N3w-password"]).exit_code == 0
    )
    assert runner.invoke(app, ["users", "unlock", "nobody"]).exit_code == 1
    bad_role = runner.invoke(app, ["users", "create", "x1", "--role", "king", "--password", "Gr1d-worker"])
    assert bad_role.exit_code == 2


def test_production_mode_refuses_default_secret(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("SC_MODE", "production")
    monkeypatch.delenv("SC_SECRET_KEY", raising=False)
    monkeypatch.setenv("SC_DATA_DIR", str(tmp_path))
    run = CliRunner().invoke(app, ["users", "list"])
    assert run.exit_code == 2 and "SC_SECRET_KEY" in run.output


def test_invalid_username_is_a_clear_error(env: str) -> None:
    run = CliRunner().invoke(
        app, ["users", "create", "l i", "--role", "grid_worker", "--password", "Gr1d-worker"]
    )
    assert run.exit_code == 1 and "username" in run.output and "格式不正确" in run.output
