"""Pull the lists from the console (GET /api/gate/sync as a system user) into the local store.

A failed poll keeps the cached lists: the gate goes on deciding. Login, retry, the failing state (logged once
when polling starts to fail and once when it recovers) and the polling thread are the edge runtime's
(devices/edge/console_sync.py); the gate only names its car park and applies the snapshot.
"""

from __future__ import annotations

import httpx

from devices.edge import console_sync
from plate_gate.snapshot import GateSnapshot
from plate_gate.store import LocalGateStore

SYNC_PATH = "/api/gate/sync"


class ConsoleSync(console_sync.ConsoleSync[GateSnapshot, bool]):
    """Logs in, fetches the snapshot for one car park, applies it; ``poll()`` never raises."""

    path = SYNC_PATH
    name = "gate console sync"

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
        super().__init__(client, username=username, password=password, interval_s=interval_s)
        self.store = store
        self.car_park = car_park

    def params(self) -> dict[str, str]:
        return {"car_park": self.car_park}

    def read(self, response: httpx.Response) -> GateSnapshot:
        return GateSnapshot.model_validate_json(response.content)

    def apply(self, answer: GateSnapshot) -> bool:
        return self.store.apply_snapshot(answer)

    def poll(self) -> bool:
        """One sync; True when fresh lists were applied."""
        return super().poll() is True
