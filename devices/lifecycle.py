"""Stop signals for long-running processes: SIGTERM and SIGINT run one stop path, once.

Python's default SIGTERM kills the process without running `finally` blocks, so a service stopped by systemd
or `kill` never announced itself offline and orphaned its children. Two ways to use this module:

- `exit_on_signals()` at the start of `main()`: SIGTERM/SIGINT raise `Stopped` (a SystemExit) in the main
  thread, so `finally:` and `except KeyboardInterrupt`-style cleanup run; later signals are ignored while it
  does.
- `route_signals(handler)`: hand both signals to a server's own handler (uvicorn's `handle_exit`) before it
  serves, so one that arrives before it starts listening stops it too, and none interrupts the cleanup after.
- `run_until_stopped(stop)`: block the main thread until SIGTERM/SIGINT, then call `stop()` once.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Callable
from types import FrameType

STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT)


class Stopped(SystemExit):
    """Raised in the main thread by a stop signal; exit status 0."""

    def __init__(self, signum: int) -> None:
        super().__init__(0)  # a stop that was asked for and completed is a success (systemd, supervisors)
        self.signum = signum


def _ignore_further() -> None:
    for sig in STOP_SIGNALS:
        signal.signal(sig, signal.SIG_IGN)


def _raise_stopped(signum: int, _frame: FrameType | None) -> None:
    _ignore_further()  # a second Ctrl-C must not cut the cleanup short
    raise Stopped(signum)


def exit_on_signals() -> None:
    """SIGTERM and SIGINT raise `Stopped` in the main thread (call from the main thread)."""
    for sig in STOP_SIGNALS:
        signal.signal(sig, _raise_stopped)


def route_signals(handler: Callable[[int, FrameType | None], object]) -> None:
    """SIGTERM and SIGINT call `handler` (main thread only)."""
    for sig in STOP_SIGNALS:
        signal.signal(sig, handler)


def run_until_stopped(stop: Callable[[], None], ready: Callable[[], None] | None = None) -> int:
    """Block until SIGTERM/SIGINT, call `stop()` once, return the signal number (main thread only)."""
    got: list[int] = []
    done = threading.Event()

    def handler(signum: int, _frame: FrameType | None) -> None:
        if not got:
            got.append(signum)
        done.set()

    previous = {sig: signal.signal(sig, handler) for sig in STOP_SIGNALS}
    try:
        if ready is not None:
            ready()
        while not done.wait(0.5):  # a timed wait lets the handler run promptly
            pass
        _ignore_further()
        stop()
    finally:
        for sig, old in previous.items():
            signal.signal(sig, old)
    return got[0]
