"""Helpers for tests that need external services: reachability, free ports, a secured Mosquitto."""

from __future__ import annotations

import getpass
import os
import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from devices.net import free_port

MOSQUITTO_BIN = "/usr/sbin/mosquitto"


def reachable(host: str, port: int, timeout: float = 0.5) -> bool:
    """True when a TCP connection can be opened."""
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False


def require_service(name: str, host: str, port: int) -> None:
    """Fail under SC_REQUIRE_SERVICES=1, otherwise skip, when the service is down."""
    if reachable(host, port):
        return
    message = f"{name} not reachable at {host}:{port}"
    if os.environ.get("SC_REQUIRE_SERVICES") == "1":
        pytest.fail(message)
    pytest.skip(message)


def wait_port(port: int, timeout: float = 10.0) -> None:
    """Block until something listens on the loopback port."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if reachable("127.0.0.1", port, 0.2):
            return
        time.sleep(0.05)
    raise TimeoutError(f"nothing listening on {port}")


@dataclass
class SecureBroker:
    """A Mosquitto requiring TLS and a password, started by the test."""

    port: int
    ca: str
    username: str
    password: str
    process: subprocess.Popen[bytes]


def _run(*args: str) -> None:
    subprocess.run(args, check=True, capture_output=True)


def make_certs(folder: Path) -> tuple[Path, Path, Path]:
    """A throwaway CA and a server certificate for 127.0.0.1 (openssl CLI)."""
    ca_key, ca_crt = folder / "ca.key", folder / "ca.crt"
    key, csr, crt = folder / "server.key", folder / "server.csr", folder / "server.crt"
    ext = folder / "san.ext"
    ext.write_text("subjectAltName=IP:127.0.0.1,DNS:localhost\n")
    _run("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=sc-test-ca",
         "-keyout", str(ca_key), "-out", str(ca_crt))  # fmt: skip
    _run("openssl", "req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=127.0.0.1",
         "-keyout", str(key), "-out", str(csr))  # fmt: skip
    _run("openssl", "x509", "-req", "-in", str(csr), "-CA", str(ca_crt), "-CAkey", str(ca_key),
         "-CAcreateserial", "-days", "2", "-extfile", str(ext), "-out", str(crt))  # fmt: skip
    return ca_crt, crt, key


def start_secure_mosquitto(folder: Path) -> SecureBroker:
    """Start /usr/sbin/mosquitto with `allow_anonymous false`, a password file and a TLS listener."""
    ca, crt, key = make_certs(folder)
    passwd = folder / "passwd"
    _run("mosquitto_passwd", "-c", "-b", str(passwd), "gate", "s3cret-密码")
    port = free_port()
    conf = folder / "mosquitto.conf"
    conf.write_text(
        f"user {getpass.getuser()}\npersistence false\nallow_anonymous false\npassword_file {passwd}\n"
        f"listener {port} 127.0.0.1\ncafile {ca}\ncertfile {crt}\nkeyfile {key}\n"
    )
    proc = subprocess.Popen(
        [MOSQUITTO_BIN, "-c", str(conf)], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    try:
        wait_port(port)
    except TimeoutError:
        proc.kill()
        raise RuntimeError(proc.stderr.read().decode() if proc.stderr else "mosquitto failed") from None
    return SecureBroker(port, str(ca), "gate", "s3cret-密码", proc)
