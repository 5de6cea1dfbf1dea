"""Pull the console's access sync endpoint (as a `door`-role user) into the EdgeStore; tolerate the console being down.

Login, retry, the failing state and polling are the edge runtime's (devices/edge/console_sync.py); the door
only says what it asks for (`since` its last answer) and how an answer lands in its store.
"""

from __future__ import annotations

from typing import Any

import httpx

from access.edge.store import EdgeStore, SyncStats
from devices.edge import console_sync


class ConsoleSync(console_sync.ConsoleSync[dict[str, Any], SyncStats]):
    """`GET /api/access/sync?since=…`; a failure keeps the cached copy and is retried."""

    path = "/api/access/sync"
    name = "door console sync"

    def __init__(
        self,
        store: EdgeStore,
        username: str,
        password: str,
        base_url: str = "",
        client: httpx.Client | None = None,
        timeout_s: float = 15.0,
        interval_s: float = 3600.0,
    ) -> None:
        client = client or httpx.Client(base_url=base_url, timeout=timeout_s)
        super().__init__(client, username=username, password=password, interval_s=interval_s)
        self.store = store

    def params(self) -> dict[str, str]:
        return {"since": self.store.since} if self.store.since else {}

    def read(self, response: httpx.Response) -> dict[str, Any]:
        answer = response.json()
        if not isinstance(answer, dict):
            raise ValueError("access sync answer is not an object")
        return answer

    def apply(self, answer: dict[str, Any]) -> SyncStats:
        return self.store.apply(answer)

    def sync_once(self) -> SyncStats | None:
        """One sync; None when the console could not be reached (the door keeps deciding from its cache)."""
        return self.poll()
