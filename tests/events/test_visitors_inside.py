"""Who is inside now: entered on a pass, not seen leaving, pass still open; residents see their own only."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient

from property_console.events import ingest
from property_console.runtime import Runtime
from tests.events.conftest import event_payload

DOOR = "DOOR-1-1-0001"


def _invite(client: TestClient, name: str, **window: Any) -> str:
    now = dt.datetime.now(dt.UTC)
    body = {
        "visitor_name": name,
        "visitor_phone": "13800138000",
        "doors": [DOOR],
        "valid_from": (now - dt.timedelta(hours=1)).isoformat(),
        "valid_to": (now + dt.timedelta(hours=3)).isoformat(),
        **window,
    }
    r = client.post("/api/visitor-passes", json=body)
    assert r.status_code == 201, r.text
    return str(r.json()["id"])


def _seen(runtime: Runtime, pass_id: str, minutes_ago: int, **detail: Any) -> None:
    at = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=minutes_ago)
    body = event_payload(
        "visitor_pass", device_time=at.isoformat(), decision="visitor", detail={"pass_id": pass_id, **detail}
    )
    body.pop("subject")
    with runtime.sessions.begin() as db:
        ingest(db, body)


def test_inside_now(runtime: Runtime, login: Callable[[str], TestClient]) -> None:
    staff = login("staff")
    inside = _invite(staff, "张三")
    left = _invite(staff, "李四")
    unused = _invite(staff, "王五")
    revoked = _invite(staff, "赵六")
    qr = _invite(staff, "孙七")
    _seen(runtime, inside, 30)
    _seen(runtime, left, 40)
    _seen(runtime, left, 10, direction="exit")
    _seen(runtime, revoked, 20)
    assert staff.post(f"/api/visitor-passes/{revoked}/revoke").status_code == 200
    with runtime.sessions.begin() as db:  # a QR pass names itself in the subject
        ingest(db, event_payload("visitor_pass", subject=f"pass:{qr}", detail={}))
    r = staff.get("/api/visitors/inside")
    assert r.status_code == 200, r.text
    data = r.json()
    assert data["count"] == 2
    assert [i["visitor_name"] for i in data["items"]] == ["孙七", "张三"]  # newest entry first
    assert data["items"][1]["door"] == DOOR and data["items"][1]["door_name"] != ""
    assert unused not in {i["pass_id"] for i in data["items"]}


@pytest.mark.parametrize("seeded_url", ["sqlite"], indirect=True)  # the database kind does not matter here
def test_entry_before_the_window_does_not_count(runtime: Runtime, login: Callable[[str], TestClient]) -> None:
    staff = login("staff")
    now = dt.datetime.now(dt.UTC)
    later = _invite(staff, "周八", valid_from=(now - dt.timedelta(minutes=5)).isoformat())
    _seen(runtime, later, 30)  # an event older than the pass's window (e.g. a reused id) is ignored
    assert staff.get("/api/visitors/inside").json()["count"] == 0


@pytest.mark.parametrize("seeded_url", ["sqlite"], indirect=True)  # the database kind does not matter here
def test_inside_now_by_role(runtime: Runtime, login: Callable[[str], TestClient]) -> None:
    staff = login("staff")
    _seen(runtime, _invite(staff, "吴九"), 5)
    assert login("grid").get("/api/visitors/inside").status_code == 403
    assert login("police").get("/api/visitors/inside").status_code == 403
    resident = login("resident")
    assert resident.get("/api/visitors/inside").json() == {"count": 0, "items": []}  # not their invitation
