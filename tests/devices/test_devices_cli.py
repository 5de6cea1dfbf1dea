"""`sc sim ...` commands via CliRunner: each starts its simulator, serves, and stops cleanly."""

from __future__ import annotations

import threading

import httpx
from typer.testing import CliRunner

from devices.cli import app
from devices.modbus import ModbusAdapter, ModbusConfig
from devices.net import free_port
from tests.devices.dev_services import wait_port

runner = CliRunner()


def test_perimeter_serves_modbus_while_running() -> None:
    port = free_port()
    result: list[object] = []
    th = threading.Thread(
        target=lambda: result.append(
            runner.invoke(app, ["perimeter", "--zones", "32", "--port", str(port), "--duration", "3"])
        )
    )
    th.start()
    wait_port(port)
    adapter = ModbusAdapter(ModbusConfig(transport="tcp", host="127.0.0.1", port=port))
    assert adapter.read_input_registers(1005, 1) == [32]
    adapter.close()
    th.join()
    out = result[0]
    assert out.exit_code == 0 and f"Modbus TCP 127.0.0.1:{port}" in out.output  # type: ignore[attr-defined]


def test_perimeter_rtu_and_demo() -> None:
    out = runner.invoke(app, ["perimeter", "--rtu", "--demo", "0.2", "--duration", "0.7"])
    assert out.exit_code == 0 and "/dev/pts/" in out.output and "zone" in out.output


def test_camera_serves_snapshot() -> None:
    port = free_port()
    th = threading.Thread(
        target=lambda: runner.invoke(app, ["camera", "--port", str(port), "--duration", "2"])
    )
    th.start()
    wait_port(port)
    snap = httpx.get(f"http://127.0.0.1:{port}/snapshot.jpg", timeout=5)
    th.join()
    assert snap.status_code == 200 and snap.content[:2] == b"\xff\xd8"


def test_lpr_with_local_receiver() -> None:
    out = runner.invoke(app, ["lpr", "--port", str(free_port()), "--interval", "0.2", "--duration", "0.9"])
    assert out.exit_code == 0 and "京A12345: 抬杆 open" in out.output


def test_relay_alarm_host_and_broker_start_and_stop() -> None:
    for args in (
        ["relay", "--port", str(free_port()), "--duration", "0.3"],
        ["relay", "--serial", "--duration", "0.3"],
        ["alarm-host", "--duration", "0.3"],
        ["broker", "--port", str(free_port()), "--duration", "0.3"],
    ):
        out = runner.invoke(app, args)
        assert out.exit_code == 0, (args, out.output, out.exception)
        assert out.output.strip(), args
