"""Pull the console's access sync endpoint (as a `door`-role user) into the EdgeStore; tolerate the console being down."""

from __future__ import annotations

import logging
from typing import Any

import httpx

from access.edge.store import EdgeStore, SyncStats

log = logging.getLogger(__name__)


class ConsoleSync:
    """Login once, then `GET /api/access/sync?since=…`; a failure keeps the cached copy and is retried."""

    def __init__(
        self,
        store: EdgeStore,
        username: str,
        password: str,
        base_url: str = "",
        client: httpx.Client | None = None,
        timeout_s: float = 15.0,
    ) -> None:
        self.store = store
        self.username, self.password = username, password
        self.client = client or httpx.Client(base_url=base_url, timeout=timeout_s)
        self._token: str | None = None
        self.failing = False

    def _login(self) -> None:
        r = self.client.post("/api/auth/login", json={"username": self.username, "password": self.password})
        r.raise_for_status()
        self._token = str(r.json()["token"])

    def _get(self, retry: bool = True) -> dict[str, Any]:
        if self._token is None:
            self._login()
        params = {"since": self.store.since} if self.store.since else {}
        r = self.client.get(
            "/api/access/sync", params=params, headers={"Authorization": f"Bearer {self._token}"}
        )
        if r.status_code == 401 and retry:  # session expired: log in again, once
            self._token = None
            return self._get(retry=False)
        r.raise_for_status()
        answer: dict[str, Any] = r.json()
        return answer

    def sync_once(self) -> SyncStats | None:
        """One sync; None when the console could not be reached (the door keeps deciding from its cache)."""
        try:
            answer = self._get()
        except (httpx.HTTPError, OSError) as exc:
            if not self.failing:
                log.warning(
                    "console sync failing, using the local cache / 平台同步失败，使用本地缓存: %s", exc
                )
            self.failing = True
            return None
        if self.failing:
            log.info("console sync recovered / 平台同步恢复")
        self.failing = False
        return self.store.apply(answer)
