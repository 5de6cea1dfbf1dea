"""`sc door run/sync` (mounted as `sc faces door …` and `sc door …`): configuration errors and an offline sync."""

from __future__ import annotations

from pathlib import Path

import yaml
from typer.testing import CliRunner

from access.cli import app
from devices.net import free_port

runner = CliRunner()


def _write(tmp_path: Path, **fields: object) -> Path:
    port = free_port()  # nothing listens there: the console is down
    base = {
        "door_id": "DOOR-9",
        "camera": "0",
        "data_dir": str(tmp_path / "door"),
        "espeak": False,
        "relay": {"modbus": {"transport": "tcp", "host": "127.0.0.1", "port": port}},
        "console": {"url": f"http://127.0.0.1:{port}", "username": "edge", "password": "x"},
    }
    path = tmp_path / "door.yaml"
    path.write_text(yaml.safe_dump({**base, **fields}), encoding="utf-8")
    return path


def test_bad_config_is_refused_with_a_reason(tmp_path: Path) -> None:
    result = runner.invoke(app, ["door", "sync", "--config", str(_write(tmp_path, unlock_secs=3))])
    assert result.exit_code == 2 and "unlock_secs" in result.output
    missing = runner.invoke(app, ["door", "run", "--config", str(tmp_path / "nope.yaml")])
    assert missing.exit_code == 2


def test_sync_with_console_down_keeps_cache(tmp_path: Path) -> None:
    result = runner.invoke(app, ["door", "sync", "--config", str(_write(tmp_path))])
    assert result.exit_code == 1 and "console unreachable" in result.output
