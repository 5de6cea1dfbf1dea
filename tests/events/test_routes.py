"""HTTP ingest (system role only), listing, captures, dashboard and report routes, gate confirmations."""

from __future__ import annotations

import datetime as dt
import io
import json
from collections.abc import Callable

from fastapi.testclient import TestClient
from openpyxl import load_workbook
from sqlalchemy import func, select

from property_console.models import Event, EventReject
from property_console.runtime import Runtime
from tests.events.conftest import event_payload, jpeg, with_capture


def test_only_the_system_role_may_ingest(edge: TestClient, login: Callable[[str], TestClient]) -> None:
    assert login("staff").post("/api/events", json=event_payload()).status_code == 403
    assert TestClient(edge.app).post("/api/events", json=event_payload()).status_code == 401
    assert edge.post("/api/events", json=event_payload()).status_code == 201


def test_http_ingest_is_idempotent(edge: TestClient, runtime: Runtime) -> None:
    body = event_payload()
    first, again = edge.post("/api/events", json=body), edge.post("/api/events", json=body)
    assert (first.status_code, first.json()["status"]) == (201, "stored")
    assert (again.status_code, again.json()["status"]) == (200, "duplicate")
    with runtime.sessions() as db:
        assert db.execute(select(func.count()).select_from(Event)).scalar_one() == 1


def test_bad_payload_answers_the_error_schema_and_is_kept(edge: TestClient, runtime: Runtime) -> None:
    r = edge.post(
        "/api/events", content=b'{"kind": "door_pass"}', headers={"Content-Type": "application/json"}
    )
    assert r.status_code == 422
    fields = {e["field"] for e in r.json()["errors"]}
    assert {"id", "device_serial", "device_time"} <= fields
    assert all(e["message_zh"] and e["message_en"] for e in r.json()["errors"])
    with runtime.sessions() as db:
        kept = db.execute(select(EventReject)).scalar_one()
        assert kept.payload == '{"kind": "door_pass"}' and kept.source == "http:edge01"


def test_batch_reports_each_item(edge: TestClient) -> None:
    good, bad = event_payload(), {**event_payload(), "kind": "nope"}
    r = edge.post("/api/events/batch", json=[good, bad, good])
    assert [x["status"] for x in r.json()] == ["stored", "rejected", "duplicate"]
    assert r.json()[1]["errors"][0]["field"] == "kind"
    assert edge.post("/api/events/batch", json={"not": "a list"}).status_code == 422


def test_oversized_body_is_refused(edge: TestClient) -> None:
    big = with_capture(event_payload(), jpeg() + b"\0" * 70_000)  # the test app allows 64 KiB
    assert edge.post("/api/events", json=big).status_code == 413


def test_listing_and_capture_by_hash(edge: TestClient, login: Callable[[str], TestClient]) -> None:
    image = jpeg((10, 120, 200))
    edge.post("/api/events", json=with_capture(event_payload(subject_name="钱多多"), image))
    edge.post(
        "/api/events", json=event_payload("vehicle_pass", subject="皖A12345", device_serial="LPR-N-0001")
    )
    staff = login("staff")
    page = staff.get("/api/events", params={"kind": "door_pass"}).json()
    assert page["total"] == 1 and page["items"][0]["subject_name"] == "钱多多"
    got = staff.get(page["items"][0]["capture_url"])
    assert got.status_code == 200 and got.content == image and got.headers["content-type"] == "image/jpeg"
    assert staff.get("/api/events", params={"subject": "皖A"}).json()["total"] == 1
    assert login("grid").get("/api/events").status_code == 403
    assert staff.get("/api/captures/" + "0" * 64).status_code == 404


def test_dashboard_counts_today_and_devices(edge: TestClient, login: Callable[[str], TestClient]) -> None:
    for _ in range(3):
        edge.post("/api/events", json=event_payload())
    old = (dt.datetime.now(dt.UTC) - dt.timedelta(days=3)).isoformat()
    edge.post("/api/events", json=event_payload(device_time=old, device_serial="DOOR-2-1-0002"))
    edge.post("/api/events", json=event_payload("alarm"))
    summary = login("police").get("/api/dashboard/summary").json()
    assert summary["events"] == {"door_pass": 3, "alarm": 1}
    assert summary["open_alarms"] == 1
    assert summary["devices"]["online"] == 3  # the door, the perimeter host, and the door 2 (old event)
    assert login("grid").get("/api/dashboard/summary").status_code == 403


def test_reports_and_their_export(edge: TestClient, login: Callable[[str], TestClient]) -> None:
    edge.post("/api/events/batch", json=[event_payload() for _ in range(4)] + [event_payload("alarm")])
    district = login("district")
    passes = district.get("/api/reports/passes", params={"days": 7}).json()
    assert len(passes["days"]) == 7 and passes["days"][-1]["door_pass"] == 4
    assert sum(h["door_pass"] for h in passes["hours"]) == 4
    alarms = district.get("/api/reports/alarms").json()
    assert alarms["by_kind"] == {"perimeter_intrusion": 1} and alarms["by_zone"] == {"Z3": 1}
    assert alarms["by_disposition"] == {"new": 1}
    r = district.get("/api/reports/export", params={"days": 7})
    wb = load_workbook(io.BytesIO(r.content))
    assert wb.sheetnames == ["每日通行", "今日分时通行", "告警统计", "设备在线率", "访客统计"]
    assert wb["每日通行"].cell(row=8, column=2).value == 4
    assert login("grid").get("/api/reports/passes").status_code == 403


def test_gate_confirmation_once(
    edge: TestClient, login: Callable[[str], TestClient], runtime: Runtime
) -> None:
    body = with_capture(event_payload("vehicle_pending", subject="皖A7Z123", device_serial="LPR-N-0001"))
    edge.post("/api/events", json=body)
    staff = login("staff")
    assert [e["id"] for e in staff.get("/api/gates/pending").json()] == [body["id"]]
    assert (
        login("police").post(f"/api/gates/pending/{body['id']}/confirm", json={"action": "open"}).status_code
        == 403
    )
    r = staff.post(f"/api/gates/pending/{body['id']}/confirm", json={"action": "refuse", "note": "无预约"})
    assert r.status_code == 201 and r.json()["delivered"] is False
    assert r.json()["event"]["kind"] == "vehicle_refused"
    again = login("admin").post(f"/api/gates/pending/{body['id']}/confirm", json={"action": "open"})
    assert again.status_code == 409
    assert staff.get("/api/gates/pending").json() == []
    with runtime.sessions() as db:
        decided = db.execute(select(Event).where(Event.kind == "vehicle_refused")).scalar_one()
        assert (
            decided.detail["note"] == "无预约"
            and decided.capture_sha256 == r.json()["event"]["capture_sha256"]
        )


def test_rejects_are_listed_for_device_admins(edge: TestClient, login: Callable[[str], TestClient]) -> None:
    edge.post("/api/events", json={"kind": "door_pass"})
    rows = login("staff").get("/api/events/rejects").json()
    assert json.loads(rows[0]["payload"]) == {"kind": "door_pass"}
    assert login("police").get("/api/events/rejects").status_code == 403
