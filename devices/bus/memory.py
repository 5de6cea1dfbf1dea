"""In-process transport: same semantics as MQTT (wildcards, retained messages) without a broker."""

from __future__ import annotations

import itertools
import logging
import threading
from collections.abc import Callable

from devices.bus.topics import matches
from devices.bus.transport import BusUnavailable, MessageHandler

log = logging.getLogger(__name__)


class InProcessBus:
    """A shared hub; create one per process and `connect()` transports to it."""

    def __init__(self) -> None:
        self._lock = threading.RLock()
        self._subs: list[tuple[str, MessageHandler, InProcessTransport]] = []
        self._retained: dict[str, bytes] = {}
        self.up = True

    def connect(self) -> InProcessTransport:
        """A new transport attached to this hub."""
        return InProcessTransport(self)

    def _publish(self, topic: str, payload: bytes, retain: bool) -> None:
        if not self.up:
            raise BusUnavailable("in-process bus is down")
        with self._lock:
            if retain:
                if payload:
                    self._retained[topic] = payload
                else:
                    self._retained.pop(topic, None)
            targets = [h for f, h, _t in self._subs if matches(f, topic)]
        for handler in targets:
            try:
                handler(topic, payload)
            except Exception:
                log.exception("bus handler failed for %s", topic)

    def _subscribe(self, topic_filter: str, handler: MessageHandler, owner: InProcessTransport) -> None:
        with self._lock:
            self._subs.append((topic_filter, handler, owner))
            retained = [(t, p) for t, p in self._retained.items() if matches(topic_filter, t)]
        for topic, payload in retained:
            handler(topic, payload)

    def _drop(self, owner: InProcessTransport) -> None:
        with self._lock:
            self._subs = [s for s in self._subs if s[2] is not owner]


class InProcessTransport:
    """Transport bound to an InProcessBus; delivery is synchronous on the publisher's thread."""

    def __init__(self, hub: InProcessBus) -> None:
        self.hub = hub
        self._stopped = False
        self._mids = itertools.count(1)
        self._published: list[Callable[[int], None]] = []

    @property
    def connected(self) -> bool:
        """The hub is up and this transport not stopped."""
        return self.hub.up and not self._stopped

    def publish(self, topic: str, payload: bytes, *, qos: int = 1, retain: bool = False) -> None:
        """Deliver to all matching subscribers now."""
        self.publish_tracked(topic, payload, qos=qos, retain=retain)

    def publish_tracked(self, topic: str, payload: bytes, *, qos: int = 1, retain: bool = False) -> int:
        """Deliver now; the acknowledgement follows at once (the hub is the broker)."""
        if self._stopped:
            raise BusUnavailable("transport stopped")
        self.hub._publish(topic, payload, retain)
        mid = next(self._mids)
        for callback in self._published:
            callback(mid)
        return mid

    def on_published(self, callback: Callable[[int], None]) -> None:
        """Register an acknowledgement callback."""
        self._published.append(callback)

    def subscribe(self, topic_filter: str, handler: MessageHandler, *, qos: int = 1) -> None:
        """Register a handler; retained messages are replayed immediately."""
        self.hub._subscribe(topic_filter, handler, self)

    def on_connected(self, hook: Callable[[], None]) -> None:
        """No reconnects here: run `hook` once, now, if the hub is up (a test may have taken it down)."""
        if self.hub.up and not self._stopped:
            hook()

    def stop(self) -> None:
        """Detach from the hub."""
        self._stopped = True
        self.hub._drop(self)
