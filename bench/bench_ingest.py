"""Ingest benchmark: persons and residencies per second via the API and via Excel import, SQLite and PostgreSQL.

Baseline in the same run: a bare SQLAlchemy Core executemany of the same rows (no validation, no audit), the
floor any validated path is measured against. Run: .venv/bin/python bench/bench_ingest.py [--n 2000]
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import statistics
import tempfile
import time
import uuid
import warnings
from pathlib import Path

from fastapi.testclient import TestClient
from openpyxl import Workbook
from sqlalchemy import create_engine, insert, select, text

from property_console.api.app import create_app
from property_console.config import Settings
from property_console.models import House, Person, Residency
from property_console.runtime import open_runtime
from property_console.seed import DEMO_PASSWORD, seed_demo
from property_console.validators.id_number import make_id_number

warnings.filterwarnings("ignore")
PG_ADMIN = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


def people(n: int, offset: int) -> list[dict[str, str]]:
    base = dt.date(1960, 1, 1)
    out = []
    for i in range(n):
        birth = base + dt.timedelta(days=(offset + i) // 900)
        out.append(
            {
                "id_number": make_id_number("340104", birth, (offset + i) % 900),
                "name": f"测试{i}",
                "phone": f"139{(offset + i) % 100000000:08d}",
            }
        )
    return out


def fresh_db(kind: str, tmp: Path) -> str:
    if kind == "sqlite":
        return f"sqlite:///{tmp / f'{uuid.uuid4().hex}.db'}"
    name = f"sc_bench_{uuid.uuid4().hex[:8]}"
    with create_engine(PG_ADMIN, isolation_level="AUTOCOMMIT").connect() as c:
        c.execute(text(f'CREATE DATABASE "{name}"'))
    return PG_ADMIN.rsplit("/", 1)[0] + "/" + name


def run(kind: str, n: int, tmp: Path) -> dict[str, float]:
    rt = open_runtime(Settings(mode="test", data_dir=tmp, database_url=fresh_db(kind, tmp)))
    with rt.sessions.begin() as db:
        seed_demo(db, "C0001", "示范小区")
        house_ids = list(db.execute(select(House.id)).scalars())
    client = TestClient(create_app(rt.settings, rt.engine))
    token = client.post("/api/auth/login", json={"username": "staff", "password": DEMO_PASSWORD}).json()[
        "token"
    ]
    client.headers["Authorization"] = f"Bearer {token}"
    res: dict[str, float] = {}

    # 1. API: one POST per person, then one POST per residency (validation + audit entry each).
    rows = people(n, 0)
    lat, ids = [], []
    t0 = time.perf_counter()
    for r in rows:
        s = time.perf_counter()
        resp = client.post("/api/persons", json=r)
        lat.append(time.perf_counter() - s)
        ids.append(resp.json()["id"])
    res["api persons/s"] = n / (time.perf_counter() - t0)
    res["api person p50 ms"] = statistics.median(lat) * 1000
    t0 = time.perf_counter()
    for i, pid in enumerate(ids):
        client.post(
            "/api/residencies",
            json={
                "person_id": pid,
                "house_id": str(house_ids[i % len(house_ids)]),
                "relation": "tenant",
                "start_date": "2024-01-01",
            },
        )
    res["api residencies/s"] = n / (time.perf_counter() - t0)

    # 2. Excel import of persons (validate all, one transaction, one audit entry).
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(["证件号码*", "姓名*", "联系电话"])
    for r in people(n, n):
        ws.append([r["id_number"], r["name"], r["phone"]])
    buf = io.BytesIO()
    wb.save(buf)
    t0 = time.perf_counter()
    report = client.post(
        "/api/import/persons", files={"file": ("p.xlsx", buf.getvalue(), "application/xlsx")}
    ).json()
    assert report["created"] == n, report["errors"][:3]
    res["import persons/s"] = n / (time.perf_counter() - t0)

    # 3. Baseline: bare Core executemany of the same shape of rows, no validation, no audit.
    base_rows = [
        {
            "id": uuid.uuid4(),
            "id_type": "resident_id",
            "version": 1,
            "gender": "male",
            "nationality": "CHN",
            "population_type": "registered",
            "special_categories": [],
            **r,
        }
        for r in people(n, 2 * n)
    ]
    t0 = time.perf_counter()
    with rt.engine.begin() as conn:
        conn.execute(insert(Person), base_rows)
    res["baseline core insert persons/s"] = n / (time.perf_counter() - t0)
    res_rows = [
        {
            "id": uuid.uuid4(),
            "version": 1,
            "person_id": p["id"],
            "house_id": house_ids[0],
            "relation": "tenant",
            "start_date": dt.date(2024, 1, 1),
        }
        for p in base_rows
    ]
    t0 = time.perf_counter()
    with rt.engine.begin() as conn:
        conn.execute(insert(Residency), res_rows)
    res["baseline core insert residencies/s"] = n / (time.perf_counter() - t0)
    rt.engine.dispose()
    return res


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=1000)
    ap.add_argument("--db", choices=["sqlite", "postgresql", "both"], default="both")
    args = ap.parse_args()
    kinds = ["sqlite", "postgresql"] if args.db == "both" else [args.db]
    with tempfile.TemporaryDirectory() as tmp:
        for kind in kinds:
            res = run(kind, args.n, Path(tmp))
            print(f"\n== {kind}, n={args.n} ==")
            for k, v in res.items():
                print(f"  {k:38s} {v:10.1f}")
            print(
                f"  {'API persons vs baseline':38s} {res['api persons/s'] / res['baseline core insert persons/s']:10.3f}x"
            )
            print(
                f"  {'import persons vs baseline':38s} {res['import persons/s'] / res['baseline core insert persons/s']:10.3f}x"
            )


if __name__ == "__main__":
    main()
