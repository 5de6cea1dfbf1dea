"""The gate's local store (SQLite in its data dir): synced lists, who is inside, last passes, the pass log.

Lanes of one car park on the same box share the file, so an exit lane sees what the entry lane let in.
Everything the decision needs is here, so the gate keeps deciding while the console is unreachable.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import Any

from plate_gate.gate_cache import CarPark, ListEntry, MonthlyPass, PassRecord, Presence, Reservation, Vehicle
from plate_gate.snapshot import GateSnapshot

SCHEMA = """
CREATE TABLE IF NOT EXISTS snapshot (car_park TEXT PRIMARY KEY, generated_at TEXT, body TEXT);
CREATE TABLE IF NOT EXISTS presence (plate TEXT, car_park TEXT, entered_at TEXT, category TEXT,
    fixed_space INTEGER, PRIMARY KEY (plate, car_park));
CREATE TABLE IF NOT EXISTS last_pass (plate TEXT, gate TEXT, at TEXT, action TEXT, reason TEXT,
    PRIMARY KEY (plate, gate));
CREATE TABLE IF NOT EXISTS visits (reservation_id TEXT PRIMARY KEY, used INTEGER);
CREATE TABLE IF NOT EXISTS passes (event_id TEXT PRIMARY KEY, at TEXT, gate TEXT, direction TEXT,
    plate TEXT, color TEXT, action TEXT, reason TEXT, confirmed_by TEXT, image TEXT, relay_ms REAL);
"""


class LocalGateStore:
    """A GateCache over SQLite plus the writes the gate process makes after each decision."""

    def __init__(self, path: str | Path, car_park: CarPark) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(str(self.path), check_same_thread=False, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.executescript(SCHEMA)
        self._lock = threading.RLock()
        self._park = car_park
        self.snapshot: GateSnapshot | None = None
        self._blacklist: dict[str, ListEntry] = {}
        self._vehicles: dict[str, Vehicle] = {}
        self._monthly: dict[str, MonthlyPass] = {}
        self._bookings: dict[str, Reservation] = {}
        self._load()

    # --- synced lists -------------------------------------------------------------------------------------
    def _load(self) -> None:
        row = self._db.execute("SELECT body FROM snapshot WHERE car_park = ?", (self._park.id,)).fetchone()
        if row is not None:
            self._index(GateSnapshot.model_validate_json(row[0]))

    def apply_snapshot(self, snap: GateSnapshot) -> bool:
        """Replace the lists with a newer snapshot (kept on disk); an older one is ignored."""
        with self._lock:
            if self.snapshot is not None and snap.generated_at < self.snapshot.generated_at:
                return False
            self._db.execute(
                "INSERT OR REPLACE INTO snapshot VALUES (?, ?, ?)",
                (self._park.id, snap.generated_at.isoformat(), snap.model_dump_json()),
            )
            self._index(snap)
            return True

    def _index(self, snap: GateSnapshot) -> None:
        self.snapshot = snap
        self._park = snap.car_park_entry()
        self._blacklist = snap.blacklist_entries()
        self._vehicles = snap.vehicle_entries()
        self._monthly = snap.monthly_entries()
        self._bookings = snap.reservation_entries()

    # --- GateCache ----------------------------------------------------------------------------------------
    def blacklist_entry(self, plate: str) -> ListEntry | None:
        return self._blacklist.get(plate)

    def vehicle(self, plate: str) -> Vehicle | None:
        return self._vehicles.get(plate)

    def monthly_pass(self, plate: str, car_park: str) -> MonthlyPass | None:
        card = self._monthly.get(plate)
        return card if card is not None and car_park == self._park.id else None

    def reservations(self, plate: str) -> Sequence[Reservation]:
        found = [r for r in self._bookings.values() if r.plate == plate]
        return [replace(r, visits=max(r.visits, self._used(r.id))) for r in found]

    def car_park(self, car_park_id: str) -> CarPark:
        return self._park

    def presence(self, plate: str, car_park: str) -> Presence | None:
        row = self._one("SELECT * FROM presence WHERE plate = ? AND car_park = ?", plate, car_park)
        return _presence(row) if row else None

    def on_site(self, car_park: str) -> Sequence[Presence]:
        with self._lock:
            rows = self._db.execute("SELECT * FROM presence WHERE car_park = ?", (car_park,)).fetchall()
        return [_presence(r) for r in rows]

    def last_pass(self, plate: str, gate: str) -> PassRecord | None:
        row = self._one("SELECT * FROM last_pass WHERE plate = ? AND gate = ?", plate, gate)
        if row is None:
            return None
        return PassRecord(row[0], row[1], datetime.fromisoformat(row[2]), row[3], row[4])

    # --- writes after a decision --------------------------------------------------------------------------
    def record_pass(self, record: PassRecord) -> None:
        """Remember the last decision at a gate (duplicate suppression)."""
        r = record
        self._exec(
            "INSERT OR REPLACE INTO last_pass VALUES (?, ?, ?, ?, ?)",
            r.plate, r.gate, r.at.isoformat(), r.action, r.reason,
        )  # fmt: skip

    def record_entry(self, presence: Presence, reservation_id: str | None = None) -> None:
        """A vehicle went in; a used reservation counts one visit locally until the console knows."""
        p = presence
        with self._lock:
            self._exec(
                "INSERT OR REPLACE INTO presence VALUES (?, ?, ?, ?, ?)",
                p.plate, p.car_park, p.entered_at.isoformat(), p.category, int(p.fixed_space),
            )  # fmt: skip
            if reservation_id:
                self._exec(
                    "INSERT INTO visits VALUES (?, 1) ON CONFLICT(reservation_id) DO UPDATE SET used = used + 1",
                    reservation_id,
                )

    def record_exit(self, plate: str, car_park: str) -> Presence | None:
        """A vehicle went out; returns its presence record if there was one."""
        with self._lock:
            found = self.presence(plate, car_park)
            self._exec("DELETE FROM presence WHERE plate = ? AND car_park = ?", plate, car_park)
            return found

    def log_pass(self, row: dict[str, Any]) -> None:
        """Append one pass to the local log (the console gets the same through the bus)."""
        cols = ("event_id", "at", "gate", "direction", "plate", "color", "action", "reason")
        values = [row.get(c) for c in (*cols, "confirmed_by", "image", "relay_ms")]
        self._exec("INSERT OR REPLACE INTO passes VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", *values)

    def forget_images(self, before: str) -> list[str]:
        """Clear the capture path of passes logged before ``before`` (ISO time); the paths cleared."""
        with self._lock:
            old = "at < ? AND image IS NOT NULL"
            paths = [r[0] for r in self._db.execute(f"SELECT image FROM passes WHERE {old}", (before,))]
            self._db.execute(f"UPDATE passes SET image = NULL WHERE {old}", (before,))
            return paths

    def passes(self, limit: int = 100) -> list[dict[str, Any]]:
        """The newest passes of the local log."""
        with self._lock:
            cur = self._db.execute("SELECT * FROM passes ORDER BY at DESC, rowid DESC LIMIT ?", (limit,))
            names = [d[0] for d in cur.description]
            return [dict(zip(names, r, strict=True)) for r in cur.fetchall()]

    def close(self) -> None:
        """Close the database."""
        with self._lock:
            self._db.close()

    def _used(self, reservation_id: str) -> int:
        row = self._one("SELECT used FROM visits WHERE reservation_id = ?", reservation_id)
        return int(row[0]) if row else 0

    def _one(self, sql: str, *args: object) -> Any:
        with self._lock:
            return self._db.execute(sql, args).fetchone()

    def _exec(self, sql: str, *args: object) -> None:
        with self._lock:
            self._db.execute(sql, args)


def _presence(row: Any) -> Presence:
    return Presence(row[0], row[1], datetime.fromisoformat(row[2]), row[3], bool(row[4]))
