"""The three-method transport interface (publish, subscribe, stop) every bus implementation provides."""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol, runtime_checkable

MessageHandler = Callable[[str, bytes], None]
"""Called with (topic, payload) on the transport's own thread; keep it short, never block."""


class BusUnavailable(ConnectionError):
    """The broker is not reachable right now (transient: buffer and retry)."""


@runtime_checkable
class Transport(Protocol):
    """Publish bytes to a topic, subscribe a handler to a filter, stop."""

    def publish(self, topic: str, payload: bytes, *, qos: int = 1, retain: bool = False) -> None:
        """Hand a message to the broker; raise BusUnavailable when disconnected."""
        ...

    def subscribe(self, topic_filter: str, handler: MessageHandler, *, qos: int = 1) -> None:
        """Deliver every message matching `topic_filter` to `handler` (also after reconnects)."""
        ...

    def on_connected(self, hook: Callable[[], None]) -> None:
        """Run `hook` now if connected and after every reconnect (re-announce presence, republish state)."""
        ...

    def stop(self) -> None:
        """Disconnect and release resources."""
        ...


@runtime_checkable
class TrackedTransport(Transport, Protocol):
    """A transport that says when the broker has a message (the Outbox deletes it from disk only then)."""

    @property
    def connected(self) -> bool:
        """True while the session is up."""
        ...

    def publish_tracked(self, topic: str, payload: bytes, *, qos: int = 1, retain: bool = False) -> int:
        """Publish and return the message id that `on_published` will report; BusUnavailable when down."""
        ...

    def on_published(self, callback: Callable[[int], None]) -> None:
        """Call `callback(mid)` once the broker acknowledged the message (QoS 1) or it was written (QoS 0).
        It runs on the transport's own thread, possibly inside its locks: it must not block or publish."""
        ...
