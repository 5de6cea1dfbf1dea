"""Run an edge service until SIGINT or SIGTERM, then stop its parts once, in order."""

from __future__ import annotations

import logging
import signal
import threading
from collections.abc import Callable, Sequence

log = logging.getLogger(__name__)


def run_until_stopped(stoppers: Sequence[Callable[[], None]], stop: threading.Event | None = None) -> None:
    """Block the main thread until Ctrl-C, SIGTERM (systemd, docker stop) or `stop` is set; then call each
    stopper once (a failing one is logged and the rest still run)."""
    done = stop or threading.Event()

    def on_signal(signum: int, _frame: object) -> None:
        log.info("signal %s: stopping / 收到信号，正在停止", signal.Signals(signum).name)
        done.set()

    previous = {sig: signal.signal(sig, on_signal) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        while not done.wait(0.5):
            pass
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        for stopper in stoppers:
            try:
                stopper()
            except Exception:
                log.exception("stopping %r failed", stopper)
