"""Police query latency (p50/p95) on PostgreSQL at district scale, through the real API (auth, query, audit).

Generator (documented in docs/uplink.md): 300 communities; 300,000 houses (per community 10 buildings × 2 units
× 25 floors × 2..4 rooms, address text like 城东区第12小区3栋1单元1502室); 1,000,000 persons with valid GB 11643
ID numbers, common surnames, unique mobile numbers, 1..6 per house; a current residency per person plus 20 %
ended ones (moved out); 250,000 resident vehicles; 10,000,000 vehicle passes over 90 days — 80 % by resident
plates (a Zipf-like few are very frequent), 20 % by visitor plates, 85 % at the home community; 100,000 alarms.
Rows are streamed with COPY into tables whose secondary indexes are dropped first and rebuilt after.
Baseline in the same run: the same lookups as bare SQL over one psycopg connection (no HTTP, auth, audit, ORM).
Run: .venv/bin/python bench/bench_police_query.py [--scale 1.0] [--reps 200] [--keep] [--db KEPT_DBNAME]
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import random
import statistics
import time
import uuid
import warnings
from collections.abc import Callable, Iterator
from typing import Any

import psycopg
from fastapi.testclient import TestClient
from sqlalchemy import Table, UniqueConstraint, create_engine, text
from sqlalchemy.schema import AddConstraint, DropConstraint

from district_cloud import admin
from district_cloud import models as m
from district_cloud.app import create_district_app
from district_cloud.config import DistrictSettings
from district_cloud.db import open_district
from property_console.validators.id_number import make_id_number

warnings.filterwarnings("ignore")
PG = "postgresql+psycopg://postgres@127.0.0.1:5432/"
SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
)
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华建国志红文斌宇浩凯鑫晨欣怡佳琪子涵"
PROV = "皖苏浙沪鲁豫鄂"
LETTERS = "ABCDEFGHJKLMNPQRSTUVWXYZ"
T0 = dt.datetime(2026, 8, 23, tzinfo=dt.UTC)


def tsv(rows: Iterator[tuple[Any, ...]]) -> Iterator[bytes]:
    """COPY text format in ~1 MB chunks (\\N for NULL)."""
    buf = io.StringIO()
    for row in rows:
        buf.write("\t".join("\\N" if v is None else str(v) for v in row))
        buf.write("\n")
        if buf.tell() > 1 << 20:
            yield buf.getvalue().encode()
            buf = io.StringIO()
    yield buf.getvalue().encode()


def copy(conn: psycopg.Connection[Any], table: str, cols: str, rows: Iterator[tuple[Any, ...]]) -> int:
    n = 0
    with conn.cursor() as cur, cur.copy(f"COPY {table} ({cols}) FROM STDIN") as cp:
        for chunk in tsv(rows):
            cp.write(chunk)
            n += chunk.count(b"\n")
    return n


class World:
    """Deterministic generator state shared by the tables (so residencies point at real persons and houses)."""

    def __init__(self, scale: float, rng: random.Random) -> None:
        self.rng, self.scale = rng, scale
        self.communities = [f"C{i:04d}" for i in range(1, 301)]
        self.houses: list[tuple[str, str, str]] = []  # community, record_id, address
        self.plates: list[tuple[str, str]] = []  # plate, home community
        self.persons = 0
        self.sample_people: list[tuple[str, str, str]] = []  # id_number, name, phone
        self.sample_addresses: list[str] = []

    def house_rows(self) -> Iterator[tuple[Any, ...]]:
        target = int(300_000 * self.scale)
        per = max(1, target // len(self.communities))
        for ci, c in enumerate(self.communities):
            n = 0
            for b in range(1, 41):
                for u in (1, 2):
                    for f in range(1, 26):
                        for r in range(1, 5):
                            if n >= per:
                                break
                            addr = f"城东区第{ci + 1}小区{b}栋{u}单元{f}{r:02d}室"
                            rid = f"h-{c}-{n:06d}"
                            self.houses.append((c, rid, addr))
                            n += 1
                            yield (
                                c,
                                rid,
                                1,
                                "f",
                                T0,
                                None,
                                f"{c}-{b}-{u}-{f}-{f}{r:02d}",
                                addr,
                                "residential",
                                "private",
                                "self_occupied",
                                self.rng.choice((68, 89, 96, 120, 143)),
                                "f",
                            )

    def person_rows(self) -> Iterator[tuple[Any, ...]]:
        target, rng = int(1_000_000 * self.scale), self.rng
        for k in range(target):
            c, _h, _a = self.houses[k % len(self.houses)]
            birth = dt.date(1940, 1, 1) + dt.timedelta(days=rng.randint(0, 30000))
            idn = make_id_number("340104", birth, k % 999)
            name = rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.randint(1, 2)))
            phone = f"1{rng.choice('3589')}{k:09d}"
            if k % 997 == 0:
                self.sample_people.append((idn, name, phone))
            yield (
                c,
                f"p-{k:08d}",
                1,
                "f",
                T0,
                "resident_id",
                idn,
                name,
                rng.choice("12"),
                birth,
                "汉族",
                "CHN",
                phone,
                "registered",
                "[]",
            )
        self.persons = target

    def residency_rows(self) -> Iterator[tuple[Any, ...]]:
        rng = self.rng
        for k in range(self.persons):
            c, h, _addr = self.houses[k % len(self.houses)]
            start = dt.date(2010, 1, 1) + dt.timedelta(days=rng.randint(0, 5000))
            yield (
                c,
                f"r-{k:08d}",
                1,
                "f",
                T0,
                f"p-{k:08d}",
                h,
                "owner" if k < len(self.houses) else "family",
                start,
                None,
            )
            if k % 5 == 0:  # an earlier resident who moved out
                c2, h2, addr2 = self.houses[(k * 7919) % len(self.houses)]
                end = start - dt.timedelta(days=rng.randint(1, 900))
                yield (
                    c2,
                    f"r-old-{k:08d}",
                    1,
                    "f",
                    T0,
                    f"p-{k:08d}",
                    h2,
                    "tenant",
                    end - dt.timedelta(days=rng.randint(200, 2000)),
                    end,
                )
                if k % 1000 == 0:
                    self.sample_addresses.append(addr2)

    def vehicle_rows(self) -> Iterator[tuple[Any, ...]]:
        rng = self.rng
        for k in range(int(250_000 * self.scale)):
            c = self.communities[k % len(self.communities)]
            plate = (
                rng.choice(PROV)
                + rng.choice(LETTERS[:12])
                + "".join(rng.choice(LETTERS + "0123456789") for _ in range(5))
            )
            self.plates.append((plate, c))
            yield (c, f"v-{k:07d}", 1, "f", T0, plate, "5", "resident")

    def pass_rows(self) -> Iterator[tuple[Any, ...]]:
        rng, plates, comms = self.rng, self.plates, self.communities
        span = 90 * 86400
        for k in range(int(10_000_000 * self.scale)):
            if rng.random() < 0.8:
                idx = (
                    min(len(plates) - 1, int(rng.paretovariate(1.2)) - 1)
                    if rng.random() < 0.3
                    else rng.randrange(len(plates))
                )
                plate, home = plates[idx]
                c = home if rng.random() < 0.85 else rng.choice(comms)
            else:
                plate = rng.choice(PROV) + rng.choice(LETTERS) + f"{rng.randrange(100000):05d}"
                c = rng.choice(comms)
            t = T0 + dt.timedelta(seconds=rng.randrange(span))
            yield (
                c,
                f"vp-{k:09d}",
                f"{c}-LPR-{k % 4}",
                t,
                plate,
                "5",
                "in" if k % 2 else "out",
                "open",
                1,
                T0,
            )

    def alarm_rows(self) -> Iterator[tuple[Any, ...]]:
        rng = self.rng
        for k in range(int(100_000 * self.scale)):
            t = T0 + dt.timedelta(seconds=rng.randrange(90 * 86400))
            yield (
                self.communities[k % 300],
                f"al-{k:07d}",
                2,
                "f",
                T0,
                rng.choice(("perimeter", "fire", "tamper")),
                "high",
                "host",
                "告警",
                "handled",
                t,
                "false_alarm",
            )


def _secondary(table: Table) -> tuple[list[Any], list[UniqueConstraint]]:
    uniques = [c for c in table.constraints if isinstance(c, UniqueConstraint)]
    return list(table.indexes), uniques


def load(url: str, scale: float) -> World:
    """Generate and COPY everything; secondary indexes are dropped during the load and rebuilt after."""
    engine = create_engine(url)
    tables = {
        name: m.Base.metadata.tables[name]
        for name in ("d_houses", "d_persons", "d_residencies", "d_vehicles", "d_vehicle_passes", "d_alarms")
    }
    with engine.begin() as conn:
        for tbl in tables.values():
            idx, uqs = _secondary(tbl)
            for i in idx:
                i.drop(conn)
            for u in uqs:
                conn.execute(DropConstraint(u))
    w = World(scale, random.Random(2026))
    base = "community, record_id, version, deleted, received_at"
    plan: list[tuple[str, str, Callable[[], Iterator[tuple[Any, ...]]]]] = [
        (
            "d_houses",
            base + ", address_id, address_code, address, use, ownership, rental_status, area, flagged",
            w.house_rows,
        ),
        (
            "d_persons",
            base + ", id_type, id_number, name, gender, birth_date, ethnicity, nationality, phone, "
            "population_type, special_categories",
            w.person_rows,
        ),
        ("d_residencies", base + ", person_id, house_id, relation, start_date, end_date", w.residency_rows),
        ("d_vehicles", base + ", plate, plate_color, pass_type", w.vehicle_rows),
        (
            "d_vehicle_passes",
            "community, record_id, device_id, pass_time, plate, plate_color, direction, decision, "
            "images, received_at",
            w.pass_rows,
        ),
        (
            "d_alarms",
            base + ", kind, severity, source, message, status, raised_at, disposition",
            w.alarm_rows,
        ),
    ]
    with psycopg.connect(url.replace("postgresql+psycopg", "postgresql")) as conn:
        for table, cols, gen in plan:
            t = time.perf_counter()
            # house_rows fills w.houses lazily; house_id in d_houses is the address id (unused in queries)
            n = copy(conn, table, cols, gen())
            conn.commit()
            print(f"  COPY {table:18s} {n:>10,d} rows  {time.perf_counter() - t:6.1f} s", flush=True)
    t = time.perf_counter()
    with engine.begin() as conn:
        for tbl in tables.values():
            idx, uqs = _secondary(tbl)
            for u in uqs:
                conn.execute(AddConstraint(u))
            for i in idx:
                i.create(conn)
        conn.execute(text("ANALYZE"))
    print(f"  indexes + ANALYZE {time.perf_counter() - t:6.1f} s", flush=True)
    engine.dispose()
    return w


def pct(xs: list[float], q: float) -> float:
    s = sorted(xs)
    return s[min(len(s) - 1, int(q * len(s)))]


def measure(url: str, w: World, reps: int) -> None:
    d = open_district(DistrictSettings(mode="test", database_url=url), migrate=False)
    with d.sessions.begin() as db:
        for c in w.communities:
            admin.put_community(db, c, f"第{c}小区", "bench-Pass-1", d.settings.realm)
        admin.put_user(db, "bench", "Police@2026", "district_police", "压测民警")
    client = TestClient(create_district_app(d.settings, d.engine))
    token = client.post("/api/auth/login", json={"username": "bench", "password": "Police@2026"}).json()[
        "token"
    ]
    client.headers["Authorization"] = f"Bearer {token}"
    rng = random.Random(7)
    hot = [p for p, _c in w.plates[:50]]

    def person_id() -> tuple[str, dict[str, Any]]:
        return "/api/police/persons", {"id_number": rng.choice(w.sample_people)[0]}

    def person_name() -> tuple[str, dict[str, Any]]:
        return "/api/police/persons", {"name": rng.choice(w.sample_people)[1]}

    def person_phone() -> tuple[str, dict[str, Any]]:
        return "/api/police/persons", {"phone": rng.choice(w.sample_people)[2]}

    def house_addr() -> tuple[str, dict[str, Any]]:
        return "/api/police/houses", {"address": rng.choice(w.houses)[2][:-3]}

    def residents() -> tuple[str, dict[str, Any]]:
        return "/api/police/residents", {"address": rng.choice(w.sample_addresses)}

    def trajectory() -> tuple[str, dict[str, Any]]:
        plate = rng.choice(hot) if rng.random() < 0.2 else rng.choice(w.plates)[0]
        return "/api/police/trajectory", {
            "plate": plate,
            "since": "2026-09-01T00:00:00+08:00",
            "until": "2026-10-01T00:00:00+08:00",
        }

    def alarms() -> tuple[str, dict[str, Any]]:
        day = T0 + dt.timedelta(days=rng.randrange(80))
        return "/api/police/alarms", {
            "community": rng.choice(w.communities),
            "since": day.isoformat(),
            "until": (day + dt.timedelta(days=7)).isoformat(),
        }

    def freshness() -> tuple[str, dict[str, Any]]:
        return "/api/police/freshness", {}

    baseline_sql = {
        "person by ID number": (
            "SELECT * FROM d_persons WHERE id_number = %s",
            lambda: (rng.choice(w.sample_people)[0],),
        ),
        "person by name": (
            "SELECT * FROM d_persons WHERE name = %s LIMIT 50",
            lambda: (rng.choice(w.sample_people)[1],),
        ),
        "person by phone": (
            "SELECT * FROM d_persons WHERE phone = %s",
            lambda: (rng.choice(w.sample_people)[2],),
        ),
        "houses by address": (
            "SELECT * FROM d_houses WHERE address LIKE %s ORDER BY address LIMIT 50",
            lambda: (rng.choice(w.houses)[2][:-3] + "%",),
        ),
        "residents over time": (
            "SELECT * FROM d_houses h JOIN d_residencies r ON r.community = h.community AND "
            "r.house_id = h.record_id WHERE h.address LIKE %s LIMIT 200",
            lambda: (rng.choice(w.sample_addresses) + "%",),
        ),
        "vehicle trajectory": (
            "SELECT * FROM d_vehicle_passes WHERE plate = %s AND pass_time >= %s AND pass_time < %s "
            "ORDER BY pass_time LIMIT 500",
            lambda: (rng.choice(w.plates)[0], "2026-09-01T00:00+08", "2026-10-01T00:00+08"),
        ),
        "alarms by community": (
            "SELECT * FROM d_alarms WHERE community = %s AND raised_at >= %s ORDER BY raised_at "
            "DESC LIMIT 200",
            lambda: (rng.choice(w.communities), T0),
        ),
        "freshness": ("SELECT * FROM d_communities ORDER BY code", lambda: ()),
    }
    api = {
        "person by ID number": person_id,
        "person by name": person_name,
        "person by phone": person_phone,
        "houses by address": house_addr,
        "residents over time": residents,
        "vehicle trajectory": trajectory,
        "alarms by community": alarms,
        "freshness": freshness,
    }
    print(
        f"\n{'query':22s} {'API p50':>9s} {'API p95':>9s} {'SQL p50':>9s} {'SQL p95':>9s}  p50 ratio  results"
    )
    with psycopg.connect(url.replace("postgresql+psycopg", "postgresql")) as raw:
        for label, make in api.items():
            times, n = [], 0
            for _ in range(reps):
                path, params = make()
                t = time.perf_counter()
                r = client.get(path, params=params)
                times.append((time.perf_counter() - t) * 1000)
                assert r.status_code == 200, r.text
                n += r.json()["count"]
            sql, args = baseline_sql[label]
            base = []
            for _ in range(reps):
                t = time.perf_counter()
                raw.execute(sql, args()).fetchall()
                base.append((time.perf_counter() - t) * 1000)
            print(
                f"{label:22s} {statistics.median(times):7.1f}ms {pct(times, 0.95):7.1f}ms "
                f"{statistics.median(base):7.1f}ms {pct(base, 0.95):7.1f}ms  {statistics.median(times) / max(statistics.median(base), 1e-6):8.1f}x"
                f"  {n / reps:7.1f}"
            )
    d.engine.dispose()


def world_from_db(url: str) -> World:
    """Samples for the queries from a database kept by an earlier run (--db): no regeneration."""
    w = World(1.0, random.Random(7))
    with psycopg.connect(url.replace("postgresql+psycopg", "postgresql")) as c:
        w.sample_people = c.execute(
            "SELECT id_number, name, phone FROM d_persons ORDER BY md5(record_id) LIMIT 2000"
        ).fetchall()
        w.houses = c.execute(
            "SELECT community, record_id, address FROM d_houses ORDER BY md5(record_id) LIMIT 5000"
        ).fetchall()
        w.sample_addresses = [
            a
            for (a,) in c.execute(
                "SELECT h.address FROM d_residencies r JOIN d_houses h ON h.community = r.community "
                "AND h.record_id = r.house_id WHERE r.end_date IS NOT NULL ORDER BY md5(r.record_id) LIMIT 1000"
            )
        ]
        w.plates = c.execute("SELECT plate, community FROM d_vehicles ORDER BY id").fetchall()
    return w


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--scale", type=float, default=1.0, help="1.0 = 1M persons, 300k houses, 10M passes")
    ap.add_argument("--reps", type=int, default=200)
    ap.add_argument("--keep", action="store_true", help="keep the database afterwards")
    ap.add_argument("--db", help="measure again on a database kept by an earlier --keep run (no generation)")
    args = ap.parse_args()
    if args.db:
        url = PG + args.db
        open_district(DistrictSettings(mode="test", database_url=url)).engine.dispose()  # new migrations
        measure(url, world_from_db(url), args.reps)
        return
    name = f"scd_qbench_{uuid.uuid4().hex[:6]}"
    admin_engine = create_engine(PG + "test", isolation_level="AUTOCOMMIT")
    with admin_engine.connect() as c:
        c.execute(text(f'CREATE DATABASE "{name}"'))
    url = PG + name
    try:
        open_district(DistrictSettings(mode="test", database_url=url)).engine.dispose()
        print(f"generating scale {args.scale} into {name}", flush=True)
        t = time.perf_counter()
        w = load(url, args.scale)
        print(f"  total load {time.perf_counter() - t:6.1f} s", flush=True)
        measure(url, w, args.reps)
    finally:
        if not args.keep:
            with admin_engine.connect() as c:
                c.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


if __name__ == "__main__":
    main()
