"""`sc perimeter` commands through typer's CliRunner."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from devices.modbus import PerimeterHostSimulator
from devices.net import free_port
from perimeter.cli import app

SITES = Path(__file__).resolve().parents[2] / "perimeter" / "sites"
EXAMPLE = str(SITES / "example.yaml")
runner = CliRunner()


def test_check_ok() -> None:
    result = runner.invoke(app, ["check", EXAMPLE])
    assert result.exit_code == 0, result.output
    assert "2 分区/partitions, 11 防区/zones" in result.output


def test_check_reports_line_of_error(tmp_path: Path) -> None:
    bad = tmp_path / "site.yaml"
    bad.write_text(
        (SITES / "example.yaml").read_text(encoding="utf-8").replace("input: 8", "input: 99"), "utf-8"
    )
    result = runner.invoke(app, ["check", str(bad)])
    assert result.exit_code == 1
    assert "input 99 > host H1 inputs 16" in result.output and "配置无效" in result.output


def test_state_prints_partitions_and_zones() -> None:
    result = runner.invoke(app, ["state", EXAMPLE])
    assert result.exit_code == 0, result.output
    assert "北围墙电子围栏" in result.output and "H1#1" in result.output and "120,18" in result.output


def test_replay_shows_effects_and_refuses_auto_disarm() -> None:
    result = runner.invoke(app, ["replay", EXAMPLE, str(SITES / "night_demo.yaml")])
    assert result.exit_code == 0, result.output
    assert "AlarmRaised #1 intrusion 入侵报警：北围墙电子围栏" in result.output
    assert "code=auto_disarm_forbidden" in result.output
    assert result.output.rstrip().splitlines()[-2:] == ["P1: armed", "P2: disarmed"]


def test_replay_unknown_event(tmp_path: Path) -> None:
    script = tmp_path / "s.yaml"
    script.write_text("- {type: Explode, at: 1}\n", encoding="utf-8")
    result = runner.invoke(app, ["replay", EXAMPLE, str(script)])
    assert result.exit_code == 2 and "unknown event type" in result.output
    script.write_text("- {type: Tick, at: 1, zone: x}\n", encoding="utf-8")
    assert runner.invoke(app, ["replay", EXAMPLE, str(script)]).exit_code == 2


def test_watch_prints_alarms_from_the_simulator(tmp_path: Path) -> None:
    port = free_port()
    sim = PerimeterHostSimulator(16).start_tcp("127.0.0.1", port)
    try:
        text = (SITES / "example.yaml").read_text(encoding="utf-8").replace("port: 5020", f"port: {port}")
        site = tmp_path / "site.yaml"
        site.write_text(text, encoding="utf-8")
        sim.pulse(5)  # the duty-room panic button, pressed before the first poll: the latch keeps it
        result = runner.invoke(app, ["watch", str(site), "--arm", "P1", "--cycles", "2"])
    finally:
        sim.stop()
    assert result.exit_code == 0, result.output
    assert "AlarmRaised #1 panic 紧急求助报警：值班室紧急按钮" in result.output
    assert "new=arming" in result.output and "StartSiren partition_id=P1" in result.output
