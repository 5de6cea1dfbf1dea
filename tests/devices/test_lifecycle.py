"""SIGTERM and SIGINT run a process's one stop path, once, and it exits 0."""

from __future__ import annotations

import signal
import subprocess
import sys

import pytest

UNTIL_STOPPED = """
from devices.lifecycle import run_until_stopped
run_until_stopped(lambda: print("stopped", flush=True), ready=lambda: print("ready", flush=True))
"""
EXIT_ON_SIGNALS = """
import os, signal, time
from devices.lifecycle import exit_on_signals
exit_on_signals()
try:
    print("ready", flush=True)
    time.sleep(60)
finally:
    os.kill(os.getpid(), signal.SIGTERM)  # a second signal during cleanup does not cut it short
    time.sleep(0.2)
    print("cleaned up", flush=True)
"""


def run_and_signal(script: str, sig: int) -> tuple[int, list[str]]:
    proc = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None and proc.stdout.readline().strip() == "ready"
    proc.send_signal(sig)
    out, _ = proc.communicate(timeout=20)
    return proc.returncode, out.split()


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_run_until_stopped_calls_stop_once(sig: int) -> None:
    assert run_and_signal(UNTIL_STOPPED, sig) == (0, ["stopped"])


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_exit_on_signals_runs_the_finally_blocks(sig: int) -> None:
    code, out = run_and_signal(EXIT_ON_SIGNALS, sig)
    assert (code, out) == (0, ["cleaned", "up"])
