"""Small network helpers shared by simulators, demos, tests and benchmarks."""

from __future__ import annotations

import socket


def free_port(host: str = "127.0.0.1") -> int:
    """A TCP port nobody listens on right now (the OS picks it; bind soon, another process may take it)."""
    with socket.socket() as s:
        s.bind((host, 0))
        return int(s.getsockname()[1])


class PortInUse(OSError):
    """Someone already listens on the port: one line naming it, never a silent attach to a stranger."""

    def __init__(self, host: str, port: int, what: str = "") -> None:
        label = f"{what} " if what else ""
        super().__init__(
            f"端口 {host}:{port} 已被占用 / {label}port {host}:{port} is already in use "
            "(another sc process or broker? stop it or choose another port)"
        )
        self.host, self.port = host, port


def ensure_port_free(host: str, port: int, what: str = "") -> None:
    """Raise PortInUse when something listens on host:port (a TIME_WAIT leftover of a restart is no clash)."""
    with socket.socket() as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as asyncio and uvicorn bind
        try:
            s.bind((host, port))
        except OSError as exc:
            raise PortInUse(host, port, what) from exc
