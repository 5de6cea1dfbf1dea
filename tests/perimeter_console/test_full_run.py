"""Full run through the console: simulator trip → poller → state machine → alarm → snapshot + clip + relays
→ bus → console alarm record, and the console's perimeter API (arm refused for an open zone in zh-CN, bypass,
arm, disarm with PIN, reset), with roles and the audit trail."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select

from devices.camera import clip_frames
from property_console.models import AuditEntry
from property_console.runtime import Runtime
from tests.perimeter_console.stack import INPUTS, Stack, wait_for

Login = Callable[[str], TestClient]


def zone(view: dict[str, Any], zone_id: str) -> dict[str, Any]:
    return next(z for z in view["zones"] if z["id"] == zone_id)


def partition(view: dict[str, Any], pid: str) -> dict[str, Any]:
    return next(p for p in view["partitions"] if p["id"] == pid)


def alarm_of(client: TestClient, zone_id: str) -> dict[str, Any] | None:
    items = client.get("/api/alarms?page_size=100").json()["items"]
    return next((a for a in items if a["detail"].get("zone") == zone_id), None)


def test_trip_to_console_record_with_snapshot_clip_and_siren(
    stack: Stack, login: Login, runtime: Runtime
) -> None:
    staff = login("staff")
    view = staff.get("/api/perimeter").json()
    assert view["connected"] and partition(view, "P1")["state"] == "disarmed"

    stack.host.trip(INPUTS["gate-w"])  # open door: arming must be refused, naming the zone in zh-CN
    wait_for(lambda: zone(stack.link.view(), "gate-w")["open"])
    r = staff.post("/api/perimeter/partitions/P1/arm")
    assert r.status_code == 409
    err = r.json()["errors"][0]
    assert err["code"] == "perimeter.zone_open" and "西门门磁" in err["message_zh"]

    r = staff.post("/api/perimeter/zones/gate-w/bypass", json={"reason": "门磁损坏待修", "minutes": 30})
    assert r.status_code == 200, r.text
    assert zone(r.json(), "gate-w")["bypass"]["reason"] == "门磁损坏待修"
    r = staff.post("/api/perimeter/partitions/P1/arm")
    assert r.status_code == 200 and r.json()["states"] == ["armed"]

    stack.host.pulse(INPUTS["fence-n"])  # trips and restores between two polls
    alarm = wait_for(lambda: alarm_of(staff, "fence-n"))
    assert alarm["kind"] == "perimeter_intrusion" and alarm["status"] == "new"
    assert "北围墙电子围栏" in alarm["message_zh"]
    assert alarm["detail"]["location"] == {"map": "site", "x": 30.0, "y": 5.0}
    snaps = wait_for(lambda: (alarm_of(staff, "fence-n") or {})["detail"].get("snapshots"))
    assert snaps[0]["camera"] == "cam-n"
    image = staff.get(f"/api/captures/{snaps[0]['capture_sha256']}")
    assert image.status_code == 200 and image.content.startswith(b"\xff\xd8")
    clip = staff.get(f"/api/captures/{snaps[0]['clip_sha256']}")
    assert clip.headers["content-type"] == "video/x-msvideo" and clip_frames(clip.content) >= 3
    wait_for(lambda: stack.relays.recorder.state[1] and stack.relays.recorder.state[2])  # siren, light
    live = wait_for(lambda: (v := stack.link.view()) and partition(v, "P1")["state"] == "triggered" and v)
    assert zone(live, "fence-n")["alarm"] == ["intrusion"] and partition(live, "P1")["siren"]

    r = staff.post("/api/perimeter/partitions/P1/disarm", json={"pin": "2468"})
    assert r.status_code == 403 and r.json()["errors"][0]["code"] == "perimeter.no_pin"
    r = staff.put("/api/perimeter/pin", json={"password": "Demo@2026", "pin": "2468"})
    assert r.status_code == 204
    r = staff.post("/api/perimeter/partitions/P1/disarm", json={"pin": "1357"})
    assert r.status_code == 403 and r.json()["errors"][0]["message_zh"] == "撤防密码错误"
    assert partition(stack.link.view(), "P1")["state"] == "triggered"
    r = staff.post("/api/perimeter/partitions/P1/disarm", json={"pin": "2468"})
    assert r.status_code == 200 and r.json()["states"] == ["disarmed"]
    wait_for(lambda: not stack.relays.recorder.state[1])  # disarming acknowledged: siren off
    r = staff.post("/api/perimeter/partitions/P1/reset", json={})
    assert r.status_code == 200
    wait_for(lambda: zone(stack.link.view(), "fence-n")["alarm"] == [])
    wait_for(lambda: not stack.relays.recorder.state[2])  # reset: zone light off

    with runtime.sessions() as db:
        rows = db.execute(select(AuditEntry).where(AuditEntry.entity == "perimeter")).scalars().all()
        trail = [(e.action, e.detail["outcome"]) for e in rows]
    assert trail == [
        ("arm", "zone_open"),
        ("bypass", "ok"),
        ("arm", "ok"),
        ("disarm", "bad_secret"),
        ("disarm", "bad_secret"),
        ("disarm", "ok"),
        ("reset", "ok"),
    ]


def test_reset_refused_while_panic_button_held_and_24h_never_bypassed(stack: Stack, login: Login) -> None:
    staff = login("staff")
    stack.host.trip(INPUTS["panic"])
    wait_for(lambda: alarm_of(staff, "panic"))
    r = staff.post("/api/perimeter/partitions/P1/reset", json={})
    assert r.status_code == 409 and r.json()["errors"][0]["code"] == "perimeter.cause_present"
    r = staff.post("/api/perimeter/zones/panic/bypass", json={"reason": "测试", "minutes": 5})
    assert r.status_code == 409 and "24小时防区不可旁路" in r.json()["errors"][0]["message_zh"]
    r = staff.post("/api/perimeter/zones/gate-w/unbypass")
    assert r.status_code == 409 and r.json()["errors"][0]["code"] == "perimeter.not_bypassed"


def test_roles_and_input_checks(stack: Stack, login: Login) -> None:
    police, grid, staff = login("police"), login("grid"), login("staff")
    assert police.get("/api/perimeter").status_code == 200
    assert police.post("/api/perimeter/partitions/P1/arm").status_code == 403
    assert grid.get("/api/perimeter").status_code == 403
    r = staff.post("/api/perimeter/zones/gate-w/bypass", json={"reason": "", "minutes": 30})
    assert r.status_code == 422  # a bypass needs a reason
    r = staff.post("/api/perimeter/partitions/P1/disarm", json={"pin": "12"})
    assert r.status_code == 422
    r = staff.post("/api/perimeter/partitions/NOPE/arm")
    assert r.status_code == 409 and r.json()["errors"][0]["code"] == "perimeter.unknown_partition"
    r = staff.post("/api/perimeter/partitions/P2/disarm", json={"password": "Demo@2026"})
    assert r.status_code == 409 and r.json()["errors"][0]["message_zh"] == "分区已处于撤防状态"


def test_console_acknowledgement_reaches_the_perimeter_service(stack: Stack, login: Login) -> None:
    """告警处置 → 确认: the service marks its latched alarm acknowledged (so it stops re-sounding)."""
    staff = login("staff")
    stack.host.trip(INPUTS["panic"])
    alarm = wait_for(lambda: alarm_of(staff, "panic"))

    def service_alarm() -> dict[str, Any] | None:
        p1 = partition(stack.link.view(), "P1")
        return next((a for a in p1["alarms"] if a["zone"] == "panic"), None)

    assert wait_for(service_alarm)["acknowledged"] is False
    r = staff.post(f"/api/alarms/{alarm['id']}/ack")
    assert r.status_code == 200 and r.json()["status"] == "acknowledged"
    wait_for(lambda: (service_alarm() or {}).get("acknowledged"))
