"""Child processes that die with their parent: one rule for every process `sc serve`, `sc demo` and edges start.

`spawn()` starts the child in its own session (Ctrl-C reaches only the parent, which stops its children in
order) and records it; `stop_all()` (also run at interpreter exit) stops every recorded child. The child calls
`die_with_parent()` first thing: on Linux the kernel sends it SIGTERM when the parent dies (PR_SET_PDEATHSIG,
only when the parent spawned it from its main thread: the kernel ties the signal to the spawning thread), and a
watcher thread notices a changed parent pid within half a second everywhere else. A kill -9 of the parent
therefore leaves no orphan holding a port.
"""

from __future__ import annotations

import atexit
import ctypes
import logging
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Sequence
from typing import Any

log = logging.getLogger(__name__)
PARENT_ENV = "SC_PARENT_PID"
PDEATHSIG_ENV = "SC_PDEATHSIG"
PR_SET_PDEATHSIG = 1
WATCH_S = 0.5
GRACE_S = 5.0


class Child:
    """One started child; `stop()` terminates it (SIGTERM, then SIGKILL after `grace_s`) and reaps it."""

    def __init__(self, process: subprocess.Popen[bytes], name: str) -> None:
        self.process, self.name = process, name

    @property
    def pid(self) -> int:
        return self.process.pid

    def alive(self) -> bool:
        return self.process.poll() is None

    def stop(self, grace_s: float = GRACE_S) -> None:
        """Terminate and reap; idempotent."""
        _live.discard(self)
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(grace_s)
            except subprocess.TimeoutExpired:
                log.warning("child %s (pid %d) ignored SIGTERM; killing it", self.name, self.pid)
                self.process.kill()
                self.process.wait(grace_s)
        for stream in (self.process.stdout, self.process.stderr):
            if stream is not None:
                stream.close()


_live: set[Child] = set()
_lock = threading.Lock()


def spawn(args: Sequence[str], *, name: str = "", env: dict[str, str] | None = None, **popen: Any) -> Child:
    """Start `args` as a child that dies with this process (the child must call `die_with_parent()`)."""
    child_env = dict(os.environ if env is None else env)
    child_env[PARENT_ENV] = str(os.getpid())
    child_env[PDEATHSIG_ENV] = "1" if threading.current_thread() is threading.main_thread() else "0"
    process = subprocess.Popen(list(args), env=child_env, start_new_session=True, **popen)
    child = Child(process, name or os.path.basename(args[0]))
    with _lock:
        _live.add(child)
    return child


def children() -> list[Child]:
    """The children started by `spawn()` and not stopped yet."""
    with _lock:
        return [c for c in _live if c.alive()]


def stop_all() -> None:
    """Stop every recorded child, newest first (run at interpreter exit too)."""
    with _lock:
        live = sorted(_live, key=lambda c: c.pid, reverse=True)
    for child in live:
        try:
            child.stop()
        except Exception:
            log.exception("stopping child %s failed", child.name)


atexit.register(stop_all)


def die_with_parent() -> None:
    """In a child started by `spawn()`: end this process (SIGTERM to itself) when the parent is gone."""
    raw = os.environ.pop(PARENT_ENV, "")
    if not raw.isdigit():
        return  # not started by spawn(): nothing to follow
    parent = int(raw)
    if os.environ.pop(PDEATHSIG_ENV, "0") == "1" and sys.platform.startswith("linux"):
        _pdeathsig(signal.SIGTERM)
    if os.getppid() != parent:  # the parent died before we got here
        os._exit(0)
    threading.Thread(target=_watch_parent, args=(parent,), name="parent-watch", daemon=True).start()


def _pdeathsig(sig: int) -> None:
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        if libc.prctl(PR_SET_PDEATHSIG, int(sig), 0, 0, 0) != 0:
            log.debug("prctl(PR_SET_PDEATHSIG) failed: errno %d", ctypes.get_errno())
    except (OSError, AttributeError):
        log.debug("prctl unavailable; the parent watcher alone follows the parent")


def _watch_parent(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(WATCH_S)
    log.warning("parent %d is gone; stopping / 父进程已退出,本进程随之停止", parent)
    os.kill(os.getpid(), signal.SIGTERM)  # the child's own handler stops it cleanly
    time.sleep(GRACE_S)
    os._exit(1)  # it did not: leave anyway
