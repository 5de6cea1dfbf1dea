"""`sc district` commands on their own typer app."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from district_cloud import models as m
from district_cloud.cli import app
from district_cloud.config import DistrictSettings
from district_cloud.db import open_district


def test_enrol_community_and_users(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SCD_MODE", "test")
    monkeypatch.setenv("SCD_DATA_DIR", str(tmp_path))
    runner = CliRunner()
    r = runner.invoke(app, ["communities", "add", "C0009", "九号小区", "--password", "pw-Secret-9"])
    assert r.exit_code == 0, r.output
    r = runner.invoke(
        app,
        [
            "users",
            "create",
            "zhang",
            "--role",
            "community_police",
            "--community",
            "C0009",
            "--password",
            "Police@2026",
        ],
    )
    assert r.exit_code == 0, r.output
    bad = runner.invoke(
        app, ["users", "create", "li", "--role", "community_police", "--password", "Police@2026"]
    )
    assert bad.exit_code == 2
    assert runner.invoke(app, ["communities", "resync", "C0009"]).exit_code == 0
    assert runner.invoke(app, ["communities", "resync", "NOPE"]).exit_code == 1
    d = open_district(DistrictSettings(mode="test", data_dir=tmp_path))
    with d.sessions() as db:
        c = db.get(m.Community, "C0009")
        assert c is not None and c.resync_token and "pw-Secret-9" not in c.ha1
        assert db.execute(select(m.User.community).where(m.User.username == "zhang")).scalar() == "C0009"
    d.engine.dispose()
