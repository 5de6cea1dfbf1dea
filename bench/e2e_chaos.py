"""One scripted end-to-end run through every fault: is every event produced at the district exactly once?

    python bench/e2e_chaos.py [--count 300] [--rate 30]

Door, gate and perimeter edge processes (tests/edge/driver.py: EdgeBus, the durable outbox, each kind's own event
builder, deterministic event ids) produce COUNT events each at RATE/s into a private Mosquitto (persistence on);
the console (`sc serve`: bus bridge + uplink over HTTP) and the district receiver (`sc district serve`) run as
processes on PostgreSQL (SC_TEST_PG_URL's server, two fresh databases). During the run the broker is restarted
once, the district restarted once and the console SIGKILLed once while its uplink has rows pending; each comes back
after a pause. The script then waits for the district to hold everything and prints produced / console / district
counts, missing and duplicates per kind, and one `RESULT {json}` line (tests/edge/test_e2e_chaos.py reads it).
Door and gate passes reach the district as person / vehicle passes keyed by the event id; a perimeter alarm
becomes a console alarm under its lifelong UUID (the event id here) and a district alarm under that id.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import create_engine, text  # noqa: E402

from tests.conftest import pg_url, temp_pg_database  # noqa: E402
from tests.edge.driver import COMMUNITY, EdgeProcess, event_id  # noqa: E402
from tests.uplink.mosquitto import PrivateMosquitto  # noqa: E402

KINDS = ("door", "gate", "perimeter")
USERS = {"edge": "edge-pw", "console": "console-pw"}
UPLINK_PASSWORD = "Uplink@2026"
SC = str(Path(sys.executable).parent / "sc")
#: the district table each kind's events end up in
DISTRICT_TABLE = {"door": "d_person_passes", "gate": "d_vehicle_passes", "perimeter": "d_alarms"}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_for(check: Callable[[], object], timeout: float, what: str) -> None:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if check():
            return
        time.sleep(0.1)
    raise TimeoutError(f"timed out waiting for {what}")


def port_open(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return True
    except OSError:
        return False


class Service:
    """A restartable child process (its output in a log file)."""

    def __init__(self, name: str, argv: list[str], env: dict[str, str], log: Path, port: int) -> None:
        self.name, self.argv, self.env, self.log, self.port = name, argv, env, log, port
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self, timeout: float = 60) -> Service:
        with self.log.open("ab") as out:
            self.proc = subprocess.Popen(self.argv, env=self.env, cwd=ROOT, stdout=out, stderr=out)
        wait_for(lambda: port_open(self.port) or self._died(), timeout, f"{self.name} to listen")
        if self._died():
            raise RuntimeError(f"{self.name} exited; see {self.log}")
        return self

    def _died(self) -> bool:
        return self.proc is not None and self.proc.poll() is not None

    def stop(self, sig: int = signal.SIGTERM) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(sig)
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)
        self.proc = None


def ids_of(kind: str, numbers: list[int]) -> set[str]:
    return {str(event_id(kind, n)) for n in numbers}


def column(url: str, sql: str) -> list[tuple[str, str]]:
    """Rows of one query, as strings."""
    engine = create_engine(url)
    try:
        with engine.connect() as db:
            return [(str(a), str(b)) for a, b in db.execute(text(sql))]
    finally:
        engine.dispose()


def at_console(url: str, ids: set[str]) -> tuple[int, dict[str, str]]:
    """(rows of these events in the console, event id → its district key: the event id, or its alarm's id)."""
    rows = [r for r in column(url, "SELECT id, coalesce(alarm_id, id) FROM events") if r[0] in ids]
    return len(rows), dict(rows)


def at_district(url: str, table: str, keys: set[str]) -> tuple[int, int]:
    """(distinct keys found, rows found for them) in one district table."""
    found = [r for r, _ in column(url, f"SELECT record_id, community FROM {table}") if r in keys]
    return len(set(found)), len(found)


def pending_uplink(url: str) -> int:
    engine = create_engine(url)
    try:
        with engine.connect() as db:
            return int(
                db.execute(text("SELECT count(*) FROM uplink_outbox WHERE status = 'pending'")).scalar_one()
            )
    except Exception:
        return 0
    finally:
        engine.dispose()


def enrol_community(district_url: str, data_dir: Path) -> None:
    from district_cloud import admin
    from district_cloud.config import DistrictSettings
    from district_cloud.db import open_district

    settings = DistrictSettings(mode="test", data_dir=data_dir, database_url=district_url)
    d = open_district(settings)
    with d.sessions.begin() as db:
        admin.put_community(db, COMMUNITY, "示范小区", UPLINK_PASSWORD, settings.realm)
    d.engine.dispose()


def run(count: int, rate: float, work: Path, timeout: float) -> dict[str, object]:
    """The whole scripted run; returns the figures."""
    started = time.monotonic()
    events: list[str] = []

    def note(what: str) -> None:
        events.append(f"{time.monotonic() - started:6.1f}s {what}")
        print(events[-1], flush=True)

    with (
        temp_pg_database("sc_chaos_console") as console_db,
        temp_pg_database("sc_chaos_district") as district_db,
    ):
        console_url, district_url = pg_url(console_db), pg_url(district_db)
        broker = PrivateMosquitto(work / "mosquitto", USERS, save_every_change=True).start()
        bare = broker.url.split("://", 1)[1]
        enrol_community(district_url, work / "district")
        d_port, c_port = free_port(), free_port()
        base = {k: v for k, v in os.environ.items() if not k.startswith(("SC_", "SCD_"))}
        district = Service(
            "district",
            [SC, "district", "serve", "--port", str(d_port)],
            {
                **base,
                "SCD_MODE": "test",
                "SCD_DATABASE_URL": district_url,
                "SCD_DATA_DIR": str(work / "district"),
            },
            work / "district.log",
            d_port,
        ).start()
        console_env = {
            **base,
            "SC_MODE": "test",
            "SC_DATABASE_URL": console_url,
            "SC_DATA_DIR": str(work / "console"),
            "SC_COMMUNITY_CODE": COMMUNITY,
            "SC_PORT": str(c_port),
            "SC_MQTT_URL": f"mqtt://console:{USERS['console']}@{bare}",
            "SC_UPLINK_URL": f"http://127.0.0.1:{d_port}",
            "SC_UPLINK_USERNAME": COMMUNITY,
            "SC_UPLINK_PASSWORD": UPLINK_PASSWORD,
            "SC_UPLINK_IDLE_SECONDS": "0.2",
            "SC_UPLINK_BACKOFF_MAX": "2",
            "SC_UPLINK_BATCH_SIZE": "50",
        }
        console = Service("console", [SC, "serve"], console_env, work / "console.log", c_port).start(120)
        note("broker, district and console up")
        edges = {k: EdgeProcess(k, broker.url, work / k, count, rate).start() for k in KINDS}
        total = count * len(KINDS)

        def produced() -> int:
            return sum(len(e.produced()) for e in edges.values())

        try:
            wait_for(lambda: produced() >= total // 4, timeout, "a quarter produced")
            broker.stop(signal.SIGTERM)
            note("broker stopped")
            time.sleep(2)
            broker.start()
            note("broker back")
            wait_for(lambda: produced() >= total // 2, timeout, "half produced")
            district.stop()
            note("district stopped")
            time.sleep(2)
            district.start()
            note("district back")
            wait_for(
                lambda: pending_uplink(console_url) > 0 or produced() >= total, timeout, "uplink rows pending"
            )
            pending_at_kill = pending_uplink(console_url)
            console.stop(signal.SIGKILL)
            note(f"console SIGKILLed mid-sync (uplink rows pending: {pending_at_kill})")
            time.sleep(2)
            console.start(120)
            note("console back")
            wait_for(lambda: all(e.done() for e in edges.values()), timeout, "edges to finish")
            note("edges drained their outboxes")

            made = {k: sorted(set(e.produced())) for k, e in edges.items()}
            wanted = {k: ids_of(k, v) for k, v in made.items()}

            def district_has_all() -> bool:
                keys = {k: set(at_console(console_url, wanted[k])[1].values()) for k in KINDS}
                return all(
                    at_district(district_url, DISTRICT_TABLE[k], keys[k])[0] == len(wanted[k]) for k in KINDS
                )

            try:
                wait_for(district_has_all, timeout, "the district to hold every event")
            except TimeoutError as exc:
                note(str(exc))
            note("counting")
            result: dict[str, object] = {
                "count": count,
                "rate": rate,
                "pending_at_kill": pending_at_kill,
                "timeline": events,
            }
            for k in KINDS:
                c_rows, keys = at_console(console_url, wanted[k])
                c_found = len(keys)
                d_found, d_rows = at_district(district_url, DISTRICT_TABLE[k], set(keys.values()))
                result[k] = {
                    "produced": len(made[k]),
                    "console": c_found,
                    "district": d_found,
                    "missing_at_district": len(wanted[k]) - d_found,
                    "duplicates_console": c_rows - c_found,
                    "duplicates_district": d_rows - d_found,
                }
            result["seconds"] = round(time.monotonic() - started, 1)
            return result
        finally:
            for e in edges.values():
                e.stop()
            console.stop()
            district.stop()
            broker.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=300, help="events per edge process")
    parser.add_argument("--rate", type=float, default=30.0, help="events per second per edge process")
    parser.add_argument("--timeout", type=float, default=120.0, help="seconds allowed for each phase")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="sc-chaos-") as tmp:
        result = run(args.count, args.rate, Path(tmp), args.timeout)
    print(f"\n{'kind':<10} {'produced':>8} {'console':>8} {'district':>8} {'missing':>8} {'dup c/d':>8}")
    for k in KINDS:
        r = result[k]
        assert isinstance(r, dict)
        dup = f"{r['duplicates_console']}/{r['duplicates_district']}"
        print(
            f"{k:<10} {r['produced']:>8} {r['console']:>8} {r['district']:>8} {r['missing_at_district']:>8} {dup:>8}"
        )
    print(f"RESULT {json.dumps(result, ensure_ascii=False)}")


if __name__ == "__main__":
    main()
