"""Presence heartbeat: the retained online state, re-announced every `keepalive` seconds while connected.

The online state carries `heartbeat` (and `keepalive`) in its info; the console marks a device offline when it has heard
nothing from it for more than twice that (property_console/presence_watch.py), which also shows a link cut
silently (no TCP close, no last will yet). `stop()` announces offline at once (a clean stop).
"""

from __future__ import annotations

import contextlib
import threading

from devices.bus.client import BusClient
from devices.bus.presence import announce_offline, announce_online
from devices.bus.transport import BusUnavailable, Transport

DEFAULT_KEEPALIVE_S = 15.0


class Heartbeat:
    """Announce online on every (re)connect and every `keepalive_s`; `stop()` announces offline."""

    def __init__(
        self,
        transport: Transport,
        community: str,
        device_id: str,
        keepalive_s: float = DEFAULT_KEEPALIVE_S,
        **info: object,
    ) -> None:
        self.transport, self.device_id, self.keepalive_s = transport, device_id, keepalive_s
        self.bus = BusClient(transport, community)
        self.info = {"keepalive": keepalive_s, **info, "heartbeat": keepalive_s}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name=f"heartbeat-{device_id}", daemon=True)

    def start(self) -> Heartbeat:
        self.transport.on_connected(self.beat)
        self._thread.start()
        return self

    def beat(self) -> None:
        """Announce online now (a dropped link is no error: the next reconnect announces)."""
        with contextlib.suppress(BusUnavailable, ConnectionError):
            announce_online(self.bus, self.device_id, **self.info)

    def _run(self) -> None:
        while not self._stop.wait(self.keepalive_s):
            self.beat()

    def stop(self) -> None:
        """Stop beating and announce offline (the broker sends no will after a clean disconnect)."""
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(self.keepalive_s + 1)
        with contextlib.suppress(BusUnavailable, ConnectionError):
            announce_offline(self.bus, self.device_id)
