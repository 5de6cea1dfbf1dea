"""The embedded amqtt broker in a child process: no GIL contention with the application (`sc serve`).

The child dies with its parent (devices/children.py), says "ready" on its stdout once it listens, and exits
with BIND_FAILED when its port is taken; the parent checks the port first and never mistakes somebody else's
broker on that port for its own.
"""

from __future__ import annotations

import select
import subprocess
import sys
import time

from devices.bus.broker import DEFAULT_PORT
from devices.children import Child, spawn
from devices.net import PortInUse, ensure_port_free, free_port

READY = b"ready"
BIND_FAILED = 3


class BrokerProcess:
    """A `python -m devices.bus.broker_main` child; `stop()` terminates and reaps it."""

    def __init__(self, host: str, port: int, child: Child) -> None:
        self.host, self.port, self.child = host, port, child

    @property
    def process(self) -> subprocess.Popen[bytes]:
        return self.child.process

    def stop(self) -> None:
        """Terminate and reap the child (idempotent)."""
        self.child.stop()


def start_broker_process(
    host: str = "127.0.0.1", port: int = DEFAULT_PORT, timeout: float = 15.0
) -> BrokerProcess:
    """Spawn the broker and wait until it listens (port 0 picks a free port); PortInUse when taken."""
    port = port or free_port(host)
    ensure_port_free(host, port, "MQTT")
    child = spawn(
        [sys.executable, "-m", "devices.bus.broker_main", host, str(port)],
        name="mqtt-broker",
        stdout=subprocess.PIPE,
    )
    try:
        _wait_ready(child, timeout)
    except BaseException:
        child.stop()
        raise
    return BrokerProcess(host, port, child)


def _wait_ready(child: Child, timeout: float) -> None:
    """Read the child's "ready" line; a bind failure becomes PortInUse, silence a TimeoutError."""
    stdout = child.process.stdout
    assert stdout is not None
    deadline = time.monotonic() + timeout
    while (left := deadline - time.monotonic()) > 0:
        readable, _w, _x = select.select([stdout], [], [], left)
        if not readable:
            break
        line = stdout.readline()
        if line.strip() == READY:
            return
        if not line:  # EOF: the child exited
            code = child.process.wait(5)
            host, port = _address(child)
            if code == BIND_FAILED:
                raise PortInUse(host, port, "MQTT")
            raise RuntimeError(f"broker process exited with {code}")
    raise TimeoutError(f"broker did not start within {timeout:.0f} s")


def _address(child: Child) -> tuple[str, int]:
    args = child.process.args
    assert isinstance(args, list)
    return str(args[-2]), int(args[-1])
