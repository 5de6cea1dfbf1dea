"""Pull the lists from the console (GET /api/gate/sync as a system user) into the local store.

A failed poll keeps the cached lists: the gate goes on deciding. It logs once when polling starts to fail
and once when it recovers.
"""

from __future__ import annotations

import logging
import threading

import httpx
from pydantic import ValidationError

from plate_gate.snapshot import GateSnapshot
from plate_gate.store import LocalGateStore

log = logging.getLogger(__name__)
SYNC_PATH = "/api/gate/sync"


class ConsoleSync:
    """Logs in, fetches the snapshot for one car park, applies it; ``poll()`` never raises."""

    def __init__(
        self,
        client: httpx.Client,
        store: LocalGateStore,
        car_park: str,
        *,
        username: str,
        password: str,
        interval_s: float = 30.0,
    ) -> None:
        self.client = client
        self.store = store
        self.car_park = car_park
        self.username = username
        self.password = password
        self.interval_s = interval_s
        self.ok: bool | None = None
        self.polls = self.failures = 0
        self._token: str | None = None
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def poll(self) -> bool:
        """One sync; True when fresh lists were applied."""
        self.polls += 1
        try:
            snap = self._fetch()
        except (httpx.HTTPError, ValidationError, ValueError, KeyError) as exc:
            self.failures += 1
            if self.ok is not False:
                log.warning("console sync failing, using cached lists / 无法同步,使用本地缓存: %s", exc)
            self.ok = False
            return False
        if self.ok is False:
            log.info("console sync recovered / 同步恢复")
        self.ok = True
        return self.store.apply_snapshot(snap)

    def _fetch(self) -> GateSnapshot:
        if self._token is None:
            self._login()
        response = self._get()
        if response.status_code == 401:  # session expired: log in again once
            self._login()
            response = self._get()
        response.raise_for_status()
        return GateSnapshot.model_validate_json(response.content)

    def _get(self) -> httpx.Response:
        headers = {"Authorization": f"Bearer {self._token}"}
        return self.client.get(SYNC_PATH, params={"car_park": self.car_park}, headers=headers)

    def _login(self) -> None:
        body = {"username": self.username, "password": self.password}
        response = self.client.post("/api/auth/login", json=body)
        response.raise_for_status()
        self._token = str(response.json()["token"])

    def start(self) -> ConsoleSync:
        """Poll now and then every ``interval_s`` in a daemon thread."""
        self._thread = threading.Thread(target=self._run, name="gate-sync", daemon=True)
        self._thread.start()
        return self

    def _run(self) -> None:
        self.poll()
        while not self._stop.wait(self.interval_s):
            self.poll()

    def stop(self) -> None:
        """Stop polling."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(5)
