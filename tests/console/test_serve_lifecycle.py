"""`sc serve` (property_console.server.run) stops every child on SIGTERM/SIGINT, leaves no orphan when SIGKILLed, and names a taken port."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import psutil
import pytest

from devices.net import free_port

# What `sc serve --port N` runs (property_console.server.run), without the CLI's option parsing.
SERVE = (
    "import sys; from property_console.config import Settings; from property_console.runtime import open_runtime;"
    " from property_console.server import run; run(open_runtime(Settings()), '127.0.0.1', int(sys.argv[1]))"
)


class Serve:
    """One `sc serve` process on its own ports and data directory."""

    def __init__(self, data: Path, http_port: int, mqtt_port: int) -> None:
        self.env = {
            **os.environ,
            "SC_MODE": "demo",
            "SC_DATA_DIR": str(data),
            "SC_MQTT_URL": "",
            "SC_UPLINK_URL": "",
            "SC_MQTT_EMBEDDED_PORT": str(mqtt_port),
        }
        self.http_port, self.mqtt_port = http_port, mqtt_port
        self.proc: subprocess.Popen[str] | None = None

    def start(self) -> subprocess.Popen[str]:
        args = [sys.executable, "-c", SERVE, str(self.http_port)]
        self.proc = subprocess.Popen(
            args, env=self.env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        return self.proc

    def wait_listening(self, timeout: float = 60) -> None:
        assert self.proc is not None
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            assert self.proc.poll() is None, self.proc.communicate()[1][-2000:]
            if listening(self.http_port):
                return
            time.sleep(0.2)
        raise AssertionError("sc serve did not start listening")

    def children(self) -> list[psutil.Process]:
        assert self.proc is not None
        return psutil.Process(self.proc.pid).children(recursive=True)

    def kill(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.communicate()


def listening(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return True
    except OSError:
        return False


def all_gone(procs: list[psutil.Process], seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if not any(p.is_running() and p.status() != psutil.STATUS_ZOMBIE for p in procs):
            return True
        time.sleep(0.1)
    return False


@pytest.fixture
def serve(tmp_path: Path) -> Iterator[Serve]:
    s = Serve(tmp_path / "data", free_port(), free_port())
    yield s
    s.kill()


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_a_stop_signal_ends_serve_and_its_broker_then_a_restart_works(serve: Serve, sig: int) -> None:
    proc = serve.start()
    serve.wait_listening()
    children = serve.children()
    assert children, "sc serve runs its embedded broker as a child"
    assert listening(serve.mqtt_port)
    proc.send_signal(sig)
    proc.communicate(timeout=30)
    assert proc.returncode == 0
    assert all_gone(children, 5), "a child outlived sc serve"
    assert not listening(serve.mqtt_port) and not listening(serve.http_port)
    serve.start()  # at once, on the same ports
    serve.wait_listening()
    assert listening(serve.mqtt_port)


def test_a_sigkilled_serve_leaves_no_broker_behind(serve: Serve) -> None:
    proc = serve.start()
    serve.wait_listening()
    children = serve.children()
    proc.kill()
    proc.communicate(timeout=10)
    assert all_gone(children, 5), "the embedded broker outlived a SIGKILLed sc serve"
    assert not listening(serve.mqtt_port)


@pytest.mark.parametrize("taken", ["http", "mqtt"])
def test_a_taken_port_ends_serve_with_one_line_naming_it(serve: Serve, taken: str) -> None:
    port = serve.http_port if taken == "http" else serve.mqtt_port
    with socket.socket() as stranger:
        stranger.bind(("127.0.0.1", port))
        stranger.listen()
        proc = serve.start()
        _out, err = proc.communicate(timeout=60)
    assert proc.returncode != 0
    lines = [line for line in err.splitlines() if f"127.0.0.1:{port}" in line]
    assert len(lines) == 1 and "Traceback" not in err, err[-2000:]
    assert "already in use" in lines[0]
