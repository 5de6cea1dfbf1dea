"""Entry point of the broker child process: `python -m devices.bus.broker_main HOST PORT`.

Prints "ready" on stdout once it listens; exits with BIND_FAILED (one line on stderr) when the port is taken;
ends on SIGTERM/SIGINT and when its parent dies (devices/children.py).
"""

from __future__ import annotations

import os
import sys

from devices.bus.broker import start_embedded_broker
from devices.bus.broker_process import BIND_FAILED, READY
from devices.children import die_with_parent
from devices.lifecycle import run_until_stopped
from devices.net import PortInUse


def _announce_ready() -> None:
    sys.stdout.buffer.write(READY + b"\n")
    sys.stdout.flush()
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())  # the parent reads one line only: never block on a full pipe
    os.close(devnull)


def main() -> None:
    """Run amqtt until SIGTERM/SIGINT or the parent's death."""
    die_with_parent()
    host, port = sys.argv[1], int(sys.argv[2])
    try:
        handle = start_embedded_broker(host, port)
    except PortInUse as exc:
        print(exc, file=sys.stderr)
        sys.exit(BIND_FAILED)
    run_until_stopped(handle.stop, ready=_announce_ready)


if __name__ == "__main__":
    main()
