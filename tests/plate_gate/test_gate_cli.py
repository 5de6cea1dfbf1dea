"""`sc gate sim` and `sc gate run` through typer's CliRunner."""

from __future__ import annotations

import shutil
from pathlib import Path

import cv2
import numpy as np
from typer.testing import CliRunner

from plate_gate.gate_cache import CarPark
from plate_gate.gate_cli import app
from plate_gate.store import LocalGateStore

DATA = Path(__file__).parent / "data"


def test_sim_opens_for_a_resident_seen_by_the_simulated_camera(tmp_path: Path) -> None:
    frames = tmp_path / "frames"
    frames.mkdir()
    shutil.copy(DATA / "皖A7B878.jpg", frames / "001.jpg")
    cv2.imwrite(str(frames / "002.jpg"), np.full((200, 600, 3), 90, np.uint8))  # empty road between cars
    args = ["sim", "--camera", str(frames), "--resident", "皖A7B878", "--seconds", "4", "--fps", "6"]
    result = CliRunner().invoke(app, [*args, "--data-dir", str(tmp_path / "data")])
    assert result.exit_code == 0, result.output
    assert "皖A7B878 entry → open (resident)" in result.output
    assert "bus ← vehicle_pass 皖A7B878" in result.output
    pulses = int(result.output.rsplit("relay pulses: ", 1)[1].split(";")[0])
    assert pulses >= 1
    store = LocalGateStore(tmp_path / "data" / "gate.db", CarPark("P-SIM", 1))
    assert store.passes()[0]["plate"] == "皖A7B878"
    store.close()


def test_run_starts_from_a_config_and_stops(tmp_path: Path) -> None:
    config = tmp_path / "gate.yaml"
    config.write_text(
        f"community: C0001\ngate: GATE-N-0001\ncar_park: P1\ndata_dir: {tmp_path / 'data'}\n",
        encoding="utf-8",
    )
    result = CliRunner().invoke(app, ["run", "--config", str(config), "--seconds", "0.3"])
    assert result.exit_code == 0, result.output
    assert "GATE-N-0001" in result.output and (tmp_path / "data" / "gate.db").is_file()


def test_run_refuses_a_bad_config(tmp_path: Path) -> None:
    config = tmp_path / "gate.yaml"
    config.write_text("community: C0001\ngate: GATE-N-0001\ncar_park: P1\nflux: 3\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["run", "--config", str(config)])
    assert result.exit_code != 0
