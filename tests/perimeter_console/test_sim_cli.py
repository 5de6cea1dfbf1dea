"""`sc sim perimeter` typed commands drive a simulator that another process (e.g. `sc demo`) runs."""

from __future__ import annotations

from typer.testing import CliRunner

from devices.cli import app
from devices.modbus import PerimeterHostSimulator
from devices.net import free_port


def test_typed_commands_drive_the_running_simulator() -> None:
    port = free_port()
    sim = PerimeterHostSimulator(16).start_tcp("127.0.0.1", port)
    try:
        commands = "t 3\np 5\ntamper on\nmains off\nt 99\nbogus\nq\n"
        result = CliRunner().invoke(app, ["perimeter", "--port", str(port)], input=commands)
        assert result.exit_code == 0, result.output
        m = sim.model
        assert m.live[2] and m.counters[2] == 1  # zone 3 open
        assert not m.live[4] and m.counters[4] == 1 and m.latched[4]  # zone 5 pulsed
        assert m.tamper_live and not m.mains_ok
        assert "zone 1..16" in result.output and "?" in result.output  # bad input explained
    finally:
        sim.stop()
