"""A private Mosquitto broker (the real binary) on a free port, with persistence and per-user passwords.

Tests kill and restart it; it keeps its port, password file and persistence directory across restarts.
"""

from __future__ import annotations

import getpass
import os
import shutil
import signal
import socket
import subprocess
import time
from pathlib import Path

import pytest

from devices.net import free_port
from tests.conftest import REQUIRED

BINARIES = ("/usr/sbin/mosquitto", "/usr/local/sbin/mosquitto")


def mosquitto_binary() -> str:
    """Path of mosquitto and mosquitto_passwd's directory; skip (fail in CI) when not installed."""
    found = next((b for b in BINARIES if os.access(b, os.X_OK)), None) or shutil.which("mosquitto")
    if found is None or shutil.which("mosquitto_passwd") is None:
        if REQUIRED:
            pytest.fail(
                "mosquitto and mosquitto_passwd are required (SC_REQUIRE_SERVICES=1) but not installed"
            )
        pytest.skip("mosquitto not installed")
    return found


class PrivateMosquitto:
    def __init__(self, workdir: Path, users: dict[str, str], *, save_every_change: bool = False) -> None:
        self.binary, self.port, self.dir = mosquitto_binary(), free_port(), workdir
        workdir.mkdir(parents=True, exist_ok=True)
        passwords = workdir / "passwd"
        passwords.touch()
        for user, password in users.items():
            subprocess.run(["mosquitto_passwd", "-b", str(passwords), user, password], check=True)
        self.config = workdir / "mosquitto.conf"
        self.config.write_text(
            f"user {getpass.getuser()}\n"  # as root mosquitto would switch to `mosquitto`: keep our own files
            f"listener {self.port} 127.0.0.1\n"
            "allow_anonymous false\n"
            f"password_file {passwords}\n"
            "persistence true\n"
            f"persistence_location {workdir}/\n"
            # every change saved at once (autosave_interval counts changes then): what a community broker
            # should run with, so that a SIGKILL loses no acknowledged message; else once a second
            + ("autosave_on_changes true\n" if save_every_change else "")
            + "autosave_interval 1\n"
            "max_queued_messages 10000\n"
            f"log_dest file {workdir}/mosquitto.log\n"
        )
        self.proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"mqtt://127.0.0.1:{self.port}"

    def start(self) -> PrivateMosquitto:
        self.proc = subprocess.Popen([self.binary, "-c", str(self.config)], stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 10
        while True:
            if self.proc.poll() is not None:
                raise RuntimeError(f"mosquitto exited with {self.proc.returncode}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.2):
                    return self
            except OSError:
                if time.monotonic() > deadline:
                    raise TimeoutError("mosquitto did not start") from None
                time.sleep(0.05)

    def stop(self, sig: int = signal.SIGTERM) -> None:
        """SIGTERM saves the persistence file; SIGKILL loses what was not autosaved yet."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(sig)
            self.proc.wait(10)
        self.proc = None
