"""Deliver door events, buffering them in a local JSONL file while the bus or console is down."""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

from access.ports import EventSink

LOG = logging.getLogger(__name__)


class EventBuffer:
    """At-least-once, in-order delivery: new events queue behind buffered ones; survives restarts."""

    def __init__(self, sink: EventSink, path: str | Path) -> None:
        self.sink = sink
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._offline = False

    def pending(self) -> list[dict[str, Any]]:
        """Events not yet delivered, oldest first."""
        if not self.path.exists():
            return []
        lines = self.path.read_text(encoding="utf-8").splitlines()
        return [json.loads(line) for line in lines if line.strip()]

    def publish(self, event: dict[str, Any]) -> bool:
        """Deliver now if possible (after older buffered events); otherwise buffer. True if delivered."""
        if self.flush() and self._try(event):
            return True
        with self.path.open("a", encoding="utf-8") as fh:
            fh.write(json.dumps(event, ensure_ascii=False) + "\n")
        return False

    def flush(self) -> bool:
        """Deliver buffered events in order; True when the buffer is empty afterwards."""
        queued = self.pending()
        for i, event in enumerate(queued):
            if not self._try(event):
                self._rewrite(queued[i:])
                return False
        if queued:
            self._rewrite([])
        return True

    def _try(self, event: dict[str, Any]) -> bool:
        """One delivery attempt; logs once when delivery starts failing and once when it recovers."""
        try:
            self.sink.publish(event)
        except (ConnectionError, OSError, TimeoutError) as exc:
            if not self._offline:
                LOG.warning("event delivery failing, buffering locally: %s", exc)
            self._offline = True
            return False
        if self._offline:
            LOG.info("event delivery recovered")
        self._offline = False
        return True

    def _rewrite(self, events: list[dict[str, Any]]) -> None:
        """Replace the buffer file atomically."""
        tmp = self.path.with_suffix(".tmp")
        tmp.write_text("".join(json.dumps(e, ensure_ascii=False) + "\n" for e in events), encoding="utf-8")
        tmp.replace(self.path)
