"""Idempotent consumption: each event UUID is handled at most once (bounded LRU memory)."""

from __future__ import annotations

import threading
import uuid
from collections import OrderedDict
from collections.abc import Callable

from devices.bus.models import Event


class IdempotentConsumer:
    """Wrap an event handler so redeliveries (QoS 1, buffer replay, retained) are dropped."""

    def __init__(self, handler: Callable[[Event], None], *, capacity: int = 100_000) -> None:
        self._handler = handler
        self._seen: OrderedDict[uuid.UUID, None] = OrderedDict()
        self._capacity = capacity
        self._lock = threading.Lock()
        self.duplicates = 0

    def seen(self, event_id: uuid.UUID) -> bool:
        """Whether this id was already handled (does not record it)."""
        with self._lock:
            return event_id in self._seen

    def __call__(self, event: Event) -> bool:
        """Handle unless seen; True when the handler ran (a failing handler may be retried)."""
        with self._lock:
            if event.id in self._seen:
                self.duplicates += 1
                return False
        self._handler(event)
        with self._lock:
            self._seen[event.id] = None
            if len(self._seen) > self._capacity:
                self._seen.popitem(last=False)
        return True
