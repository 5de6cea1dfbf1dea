"""Entry point of the broker child process: `python -m devices.bus.broker_main HOST PORT`."""

from __future__ import annotations

import signal
import sys
import threading

from devices.bus.broker import start_embedded_broker


def main() -> None:
    """Run amqtt until SIGTERM/SIGINT."""
    handle = start_embedded_broker(sys.argv[1], int(sys.argv[2]))
    done = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: done.set())
    signal.signal(signal.SIGINT, lambda *_: done.set())
    done.wait()
    handle.stop()


if __name__ == "__main__":
    main()
