"""The embedded amqtt broker in a child process: no GIL contention with the application (`sc serve`)."""

from __future__ import annotations

import socket
import subprocess
import sys
import time

from devices.bus.broker import DEFAULT_PORT


class BrokerProcess:
    """A `python -m devices.bus.broker_main` child; `stop()` terminates it."""

    def __init__(self, host: str, port: int, process: subprocess.Popen[bytes]) -> None:
        self.host, self.port, self.process = host, port, process

    def stop(self) -> None:
        """Terminate and reap the child."""
        self.process.terminate()
        try:
            self.process.wait(5)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(5)


def start_broker_process(
    host: str = "127.0.0.1", port: int = DEFAULT_PORT, timeout: float = 15.0
) -> BrokerProcess:
    """Spawn the broker and wait until it accepts connections (port 0 picks a free port)."""
    if port == 0:
        with socket.socket() as probe:
            probe.bind((host, 0))
            port = probe.getsockname()[1]
    proc = subprocess.Popen([sys.executable, "-m", "devices.bus.broker_main", host, str(port)])
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"broker process exited with {proc.returncode}")
        try:
            with socket.create_connection((host, port), timeout=0.2):
                return BrokerProcess(host, port, proc)
        except OSError:
            time.sleep(0.05)
    proc.kill()
    raise TimeoutError(f"broker did not start on {host}:{port}")
