"""Child processes die with their parent; the broker child reports a taken port instead of attaching to it."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator

import psutil
import pytest

from devices.bus import start_broker_process
from devices.net import PortInUse, free_port

# A parent that starts one child through devices.children and prints the child's pid, then waits forever.
PARENT = """
import sys, time
from devices.children import spawn
child = spawn([sys.executable, "-c", sys.argv[1]], name="sleeper")
print(child.pid, flush=True)
time.sleep(600)
"""
CHILD = "from devices.children import die_with_parent; import time; die_with_parent(); time.sleep(600)"


def gone_within(pid: int, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if not psutil.pid_exists(pid) or psutil.Process(pid).status() == psutil.STATUS_ZOMBIE:
            return True
        time.sleep(0.1)
    return False


@pytest.fixture
def parent() -> Iterator[tuple[subprocess.Popen[str], int]]:
    proc = subprocess.Popen([sys.executable, "-c", PARENT, CHILD], stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    child = int(proc.stdout.readline())
    yield proc, child
    for pid in (proc.pid, child):
        if psutil.pid_exists(pid):
            os.kill(pid, signal.SIGKILL)
    proc.wait(5)


def test_child_dies_when_its_parent_is_killed_with_sigkill(parent: tuple[subprocess.Popen[str], int]) -> None:
    proc, child = parent
    assert psutil.Process(child).ppid() == proc.pid
    proc.send_signal(signal.SIGKILL)
    proc.wait(5)
    assert gone_within(child, 5), "the child outlived its SIGKILLed parent"


def test_child_runs_in_its_own_session(parent: tuple[subprocess.Popen[str], int]) -> None:
    """Ctrl-C reaches only the parent, which stops its children in order."""
    proc, child = parent
    assert os.getsid(child) != os.getsid(proc.pid)


def test_broker_process_refuses_a_port_someone_listens_on() -> None:
    with socket.socket() as stranger:
        stranger.bind(("127.0.0.1", 0))
        stranger.listen()
        port = stranger.getsockname()[1]
        with pytest.raises(PortInUse) as caught:
            start_broker_process("127.0.0.1", port, timeout=10)
    message = str(caught.value)
    assert f"127.0.0.1:{port}" in message and "\n" not in message


def test_broker_process_stops_frees_its_port_and_restarts_on_it() -> None:
    port = free_port()
    first = start_broker_process("127.0.0.1", port, timeout=10)
    pid = first.child.pid
    first.stop()
    assert not psutil.pid_exists(pid) or psutil.Process(pid).status() == psutil.STATUS_ZOMBIE
    second = start_broker_process("127.0.0.1", port, timeout=10)  # an immediate restart binds again
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=2):
            pass
    finally:
        second.stop()
