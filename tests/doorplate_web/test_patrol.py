"""Electronic patrol end to end: stored route and schedule, scans by QR, alarms for late and missed
checkpoints (raised once), reports per guard and per route, the background check."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from zoneinfo import ZoneInfo

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from property_console.doorplate.watcher import PatrolWatcher
from property_console.models import Alarm, utcnow
from property_console.models.doorplate import PatrolScan
from property_console.runtime import Runtime
from tests.doorplate_web.conftest import T0, Doorplate

TZ = ZoneInfo("Asia/Shanghai")


def _local(hh: int, mm: int) -> dt.datetime:
    return dt.datetime.combine(T0.astimezone(TZ).date(), dt.time(hh, mm), tzinfo=TZ).astimezone(dt.UTC)


def _setup(admin: TestClient, start: str, valid_from: str, guard: str = "staff") -> dict[str, str]:
    tokens = {}
    for code, name, addr in (
        ("P1", "1栋北侧", "C0001-1"),
        ("P2", "地库入口", None),
        ("P3", "东门岗亭", None),
    ):
        r = admin.post("/api/patrol/checkpoints", json={"code": code, "name": name, "address_code": addr})
        assert r.status_code == 201, r.text
        assert r.json()["url"].startswith("HTTPS://") and "/D/" in r.json()["url"]
        tokens[code] = r.json()["token"]
    r = admin.post(
        "/api/patrol/routes", json={"code": "R1", "name": "夜间一号线", "checkpoints": ["P1", "P2", "P3"]}
    )
    assert r.status_code == 201, r.text
    r = admin.post(
        "/api/patrol/schedules",
        json={
            "route_code": "R1",
            "guard": guard,
            "start_time": start,
            "interval_minutes": 15,
            "valid_from": valid_from,
        },
    )
    assert r.status_code == 201, r.text
    return tokens


def test_late_and_missed_checkpoints_raise_alarms_once_and_reports_count_them(
    dp: Doorplate, runtime: Runtime, login: Callable[[str], TestClient]
) -> None:
    admin, staff = login("admin"), login("staff")
    tokens = _setup(admin, "10:30", T0.astimezone(TZ).date().isoformat())
    dp.clock.at = _local(10, 31)  # P1 window: 10:25-10:35 on time, late until 10:45
    page = staff.get(f"/D/{tokens['P1']}")
    assert page.status_code == 200 and "打卡成功" in page.text and "1栋北侧" in page.text
    dp.clock.at = _local(10, 53)  # P2 due 10:50: late
    assert staff.post("/api/patrol/scans", json={"token": tokens["P2"]}).status_code == 201
    dp.clock.at = _local(11, 0)
    first = admin.post("/api/patrol/check").json()["raised"]  # the late scan is known; P3 still pending
    assert [(a["kind"], a["detail"]["checkpoint"]) for a in first] == [("patrol_late", "P2")]
    dp.clock.at = _local(11, 20)  # P3 closed at 11:15 without a scan
    second = admin.post("/api/patrol/check").json()["raised"]
    assert [(a["kind"], a["detail"]["checkpoint"]) for a in second] == [("patrol_missed", "P3")]
    assert admin.post("/api/patrol/check").json()["raised"] == []  # never twice
    with runtime.sessions() as db:
        assert db.execute(select(func.count()).where(Alarm.kind.like("patrol_%"))).scalar_one() == 2
    listed = staff.get("/api/alarms", params={"kind": "patrol_missed"}).json()
    assert [a["detail"]["checkpoint"] for a in listed["items"]] == ["P3"]
    report = login("police").get("/api/patrol/reports").json()
    (guard,) = report["by_guard"]
    (route,) = report["by_route"]
    assert guard["key"] == "staff" and route["key"] == "R1"
    for s in (guard, route):
        assert (s["on_time"], s["late"], s["missed"], s["rounds"]) == (1, 1, 1, 1)
        assert s["completion_rate"] == pytest.approx(2 / 3, abs=1e-4)
    outcomes = [c["outcome"] for c in report["rounds"][0]["checks"]]
    assert outcomes == ["on_time", "late", "missed"]
    history = (
        login("police").get(f"/api/doorplate/scan/{dp.token('C0001-1-1-1-101')}").json()["patrol_history"]
    )
    assert [h["checkpoint"] for h in history] == ["P1"]  # P1 hangs at the building


def test_only_guards_record_scans_and_codes_do_not_mix(
    dp: Doorplate, runtime: Runtime, login: Callable[[str], TestClient]
) -> None:
    tokens = _setup(login("admin"), "10:30", "2026-11-21")
    grid = login("grid")
    page = grid.get(f"/d/{tokens['P1']}")
    assert page.status_code == 200 and "不是巡更人员" in page.text
    assert grid.post("/api/patrol/scans", json={"token": tokens["P1"]}).status_code == 403
    anon = dp.client.get(f"/d/{tokens['P1']}")
    assert "登录" in anon.text and "打卡成功" not in anon.text
    r = login("staff").post("/api/patrol/scans", json={"token": dp.token("C0001-1-1-1-101")})
    assert r.status_code == 400 and r.json()["errors"][0]["code"] == "wrong_kind"
    with runtime.sessions() as db:
        assert db.execute(select(func.count()).select_from(PatrolScan)).scalar_one() == 0
    assert (
        login("staff")
        .post("/api/patrol/routes", json={"code": "R2", "name": "x", "checkpoints": ["P1"]})
        .status_code
        == 403
    )
    bad = login("admin").post(
        "/api/patrol/routes", json={"code": "R2", "name": "x", "checkpoints": ["P1", "P9"]}
    )
    assert bad.status_code == 422


def test_background_watcher_raises_missed_alarms(
    dp: Doorplate, runtime: Runtime, login: Callable[[str], TestClient]
) -> None:
    local_now = utcnow().astimezone(TZ)
    start = (local_now - dt.timedelta(hours=2)).time().replace(second=0, microsecond=0)
    _setup(login("admin"), start.strftime("%H:%M"), (local_now.date() - dt.timedelta(days=1)).isoformat())
    watcher = PatrolWatcher(runtime.sessions, "Asia/Shanghai", every=3600)
    assert watcher.tick() >= 3  # nobody scanned: every checkpoint of the past round is missed
    assert watcher.tick() == 0


def test_watcher_starts_with_the_app(
    dp: Doorplate, runtime: Runtime, login: Callable[[str], TestClient]
) -> None:
    local_now = utcnow().astimezone(TZ)
    start = (local_now - dt.timedelta(hours=2)).time().replace(second=0, microsecond=0)
    _setup(login("admin"), start.strftime("%H:%M"), (local_now.date() - dt.timedelta(days=1)).isoformat())
    app = dp.client.app
    app.state.patrol_check_seconds = 0.05  # type: ignore[attr-defined]
    with TestClient(app):
        for _ in range(200):  # bounded wait for the first tick; no timing is asserted
            with runtime.sessions() as db:
                if db.execute(select(func.count()).where(Alarm.kind == "patrol_missed")).scalar_one() >= 3:
                    break
            time.sleep(0.05)
    with runtime.sessions() as db:
        assert db.execute(select(func.count()).where(Alarm.kind == "patrol_missed")).scalar_one() >= 3
