"""In-process live push: committed events and alarm changes fan out to every open browser stream."""

from __future__ import annotations

import asyncio
import threading
import uuid
import weakref
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Engine, event
from sqlalchemy.orm import Session, SessionTransaction

from property_console.db import ConsoleSession

PENDING = "sc_broadcast_pending"
QUEUE_SIZE = 1000
_registry: weakref.WeakKeyDictionary[Engine, Broadcaster] = weakref.WeakKeyDictionary()
_registry_lock = threading.Lock()


@dataclass(eq=False)
class Subscription:
    """One browser stream: a bounded queue on the server's event loop; lagging streams are told to resync."""

    loop: asyncio.AbstractEventLoop
    queue: asyncio.Queue[dict[str, Any] | None] = field(default_factory=lambda: asyncio.Queue(QUEUE_SIZE))
    lagged: bool = False

    def offer(self, message: dict[str, Any] | None) -> None:
        try:
            self.queue.put_nowait(message)
        except asyncio.QueueFull:
            self.lagged = True


class Broadcaster:
    """Thread-safe publish (from request threads or the bus thread) to asyncio subscribers."""

    def __init__(self) -> None:
        self._subs: set[Subscription] = set()
        self._lock = threading.Lock()
        self.origin = uuid.uuid4().hex  # names this process's messages in live_messages (events/relay.py)

    def subscribe(self) -> Subscription:
        """Open a stream; call from the event loop that will read it."""
        sub = Subscription(asyncio.get_running_loop())
        with self._lock:
            self._subs.add(sub)
        return sub

    def unsubscribe(self, sub: Subscription) -> None:
        with self._lock:
            self._subs.discard(sub)

    @property
    def subscribers(self) -> int:
        return len(self._subs)

    def publish(self, message: dict[str, Any] | None) -> None:
        """Deliver to every subscriber (None closes the streams); never blocks the caller."""
        with self._lock:
            subs = list(self._subs)
        for sub in subs:
            try:
                sub.loop.call_soon_threadsafe(sub.offer, message)
            except RuntimeError:  # its loop is closed: the stream is gone
                self.unsubscribe(sub)

    def close(self) -> None:
        self.publish(None)


def broadcaster_for(engine: Engine) -> Broadcaster:
    """The broadcaster of everything committed through `engine` in this process."""
    with _registry_lock:
        found = _registry.get(engine)
        if found is None:
            found = _registry[engine] = Broadcaster()
        return found


def publish_after_commit(session: Session, message: dict[str, Any]) -> None:
    """Queue a message that is pushed only once the session's transaction commits (never on rollback)."""
    session.info.setdefault(PENDING, []).append(message)


@event.listens_for(ConsoleSession, "after_commit")
def _flush_pending(session: Session) -> None:
    messages = session.info.pop(PENDING, None)
    if not messages:
        return
    bind = session.get_bind()
    engine = bind if isinstance(bind, Engine) else bind.engine
    target = broadcaster_for(engine)
    for message in messages:
        target.publish(message)


@event.listens_for(ConsoleSession, "after_soft_rollback")
def _drop_pending(session: Session, previous: SessionTransaction) -> None:
    if not previous.nested:  # a savepoint rollback keeps what the outer transaction announced
        session.info.pop(PENDING, None)
