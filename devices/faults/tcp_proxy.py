"""A loopback TCP proxy with fault hooks per direction and a `disconnect()` that cuts every connection."""

from __future__ import annotations

import contextlib
import logging
import socket
import threading
import time

from devices.faults.plan import FaultPlan

log = logging.getLogger(__name__)


class TcpFaultProxy:
    """Forwards `listen_port` (0 = any) to target; `up` is client→server, `down` server→client."""

    def __init__(
        self, target_host: str, target_port: int, *, listen_host: str = "127.0.0.1", listen_port: int = 0
    ):
        self.target = (target_host, target_port)
        self.up = FaultPlan()
        self.down = FaultPlan()
        self.refuse = False
        self._server = socket.create_server((listen_host, listen_port))
        self.host, self.port = self._server.getsockname()[:2]
        self._conns: list[socket.socket] = []
        self._lock = threading.Lock()
        self._closed = False
        threading.Thread(target=self._accept_loop, name="fault-proxy", daemon=True).start()

    def _accept_loop(self) -> None:
        while not self._closed:
            try:
                client, _addr = self._server.accept()
            except OSError:
                return
            if self.refuse:
                client.close()
                continue
            try:
                upstream = socket.create_connection(self.target, timeout=5)
            except OSError:
                client.close()
                continue
            for sock in (client, upstream):
                sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
                sock.settimeout(None)
            with self._lock:
                self._conns += [client, upstream]
            threading.Thread(target=self._pump, args=(client, upstream, self.up), daemon=True).start()
            threading.Thread(target=self._pump, args=(upstream, client, self.down), daemon=True).start()

    def _pump(self, src: socket.socket, dst: socket.socket, plan: FaultPlan) -> None:
        try:
            while True:
                chunk = src.recv(65536)
                if not chunk:
                    break
                if plan.delay:
                    time.sleep(plan.delay)
                for i, piece in enumerate(plan.apply(chunk)):
                    if i:
                        time.sleep(plan.split_gap)
                    dst.sendall(piece)
        except OSError:
            pass
        finally:
            for sock in (src, dst):
                _shut(sock)

    def disconnect(self) -> None:
        """Cut every live connection (both sides see a reset/EOF); new connections are still accepted."""
        with self._lock:
            conns, self._conns = self._conns, []
        for sock in conns:
            _shut(sock)

    def close(self) -> None:
        """Stop listening and cut everything."""
        self._closed = True
        self._server.close()
        self.disconnect()


def _shut(sock: socket.socket) -> None:
    with contextlib.suppress(OSError):
        sock.shutdown(socket.SHUT_RDWR)
    sock.close()
