"""The console API: CRUD with validation and the one error schema, auth, lock-out, default deny, uploads."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from fastapi import APIRouter, FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select

from property_console.api.app import create_app
from property_console.api.policy import route_policies
from property_console.config import Settings
from property_console.models import Alarm, Person
from property_console.runtime import Runtime

DATA = Path(__file__).parent / "data"


def test_every_route_declares_a_policy(app_client: TestClient) -> None:
    policies = route_policies(app_client.app)  # type: ignore[arg-type]
    assert len(policies) > 40
    assert all(policies.values())


def test_a_route_without_policy_refuses_to_start(runtime: Runtime) -> None:
    rogue = APIRouter()

    @rogue.get("/api/rogue")
    def leak() -> dict[str, str]:
        return {"secret": "x"}

    with pytest.raises(RuntimeError, match="default deny"):
        create_app(runtime.settings, runtime.engine, extra_routers=[rogue])


def test_login_required(app_client: TestClient) -> None:
    r = app_client.get("/api/persons")
    assert r.status_code == 401
    assert r.json() == {
        "errors": [
            {"field": None, "code": "auth.required", "message_zh": "请先登录", "message_en": "Login required"}
        ]
    }


def test_create_person_derives_birth_and_gender(login: Callable[[str], TestClient]) -> None:
    staff = login("staff")
    r = staff.post(
        "/api/persons", json={"id_number": "11010519491231002x", "name": "张三", "phone": "+86 138 0013 8000"}
    )
    assert r.status_code == 201, r.text
    body = r.json()
    assert body["id_number"] == "1101**********002X"  # staff see it masked, even right after creating it
    assert body["gender"] == "female" and body["phone"] == "13800138000"
    police = login("police").get(f"/api/persons/{body['id']}").json()
    assert police["id_number"] == "11010519491231002X" and police["birth_date"] == "1949-12-31"


@pytest.mark.parametrize(
    ("payload", "field", "code"),
    [
        ({"id_number": "110105194912310021", "name": "张三"}, "id_number", "id_number.checksum"),
        ({"id_number": "11010519491231002X", "name": "张三", "gender": "male"}, "gender", "gender.mismatch"),
        (
            {"id_number": "11010519491231002X", "name": "张三", "birth_date": "1950-01-01"},
            "birth_date",
            "birth_date.mismatch",
        ),
        ({"id_number": "11010519491231002X", "name": "张三", "phone": "12345"}, "phone", "phone.format"),
        ({"id_number": "11010519491231002X", "name": ""}, "name", "string_too_short"),
        (
            {"id_number": "11010519491231002X", "name": "张三", "ethnicity": "火星"},
            "ethnicity",
            "ethnicity.unknown",
        ),
        ({"id_number": "11010519491231002X"}, "name", "missing"),
        ({"id_number": "11010519491231002X", "name": "张三", "extra": 1}, "extra", "extra_forbidden"),
    ],
)
def test_bad_person_input_names_the_field(
    login: Callable[[str], TestClient], payload: dict, field: str, code: str
) -> None:
    r = login("staff").post("/api/persons", json=payload)
    assert r.status_code == 422, r.text
    errors = r.json()["errors"]
    assert {"field": field, "code": code} in [{"field": e["field"], "code": e["code"]} for e in errors]
    assert all(e["message_zh"] and e["message_en"] for e in errors)


def test_duplicate_person_is_a_conflict_and_nothing_changes(login: Callable[[str], TestClient]) -> None:
    staff = login("staff")
    first = {"id_number": "11010519491231002X", "name": "张三"}
    assert staff.post("/api/persons", json=first).status_code == 201
    r = staff.post("/api/persons", json={**first, "name": "李四"})
    assert r.status_code == 409
    assert r.json()["errors"][0]["field"] == "id_number"
    found = staff.get("/api/persons", params={"id_number": "11010519491231002X"}).json()
    assert [p["name"] for p in found["items"]] == ["张三"]


def test_vehicle_plate_validation(login: Callable[[str], TestClient]) -> None:
    staff = login("staff")
    ok = staff.post("/api/vehicles", json={"plate": "苏 ed51712", "plate_color": "green"})
    assert ok.status_code == 201, ok.text
    assert ok.json()["plate"] == "苏ED51712"
    bad = staff.post("/api/vehicles", json={"plate": "XX12345"})
    assert bad.status_code == 422
    assert bad.json()["errors"][0]["field"] == "plate"
    assert bad.json()["errors"][0]["code"].startswith("plate.")


def test_a_monthly_pass_needs_its_end_date(login: Callable[[str], TestClient]) -> None:
    staff = login("staff")
    r = staff.post("/api/vehicles", json={"plate": "皖A12345", "pass_type": "monthly"})
    assert r.status_code == 422 and r.json()["errors"][0]["code"] == "vehicle.monthly_until"
    assert staff.get("/api/vehicles", params={"plate": "皖A12345"}).json()["total"] == 0
    made = staff.post("/api/vehicles", json={"plate": "皖A12345"})
    assert made.status_code == 201
    url = f"/api/vehicles/{made.json()['id']}"
    refused = staff.patch(url, json={"pass_type": "monthly"})
    assert refused.status_code == 422 and refused.json()["errors"][0]["field"] == "valid_until"
    assert staff.get(url).json()["pass_type"] == "resident"  # nothing half-saved
    ok = staff.patch(url, json={"pass_type": "monthly", "valid_until": "2027-01-31"})
    assert ok.status_code == 200 and ok.json()["valid_until"] == "2027-01-31"


def test_organisation_credit_code(login: Callable[[str], TestClient]) -> None:
    staff = login("staff")
    good = {"name": "示范物业公司", "credit_code": "91110000600037341L", "contact_phone": "010-62345678"}
    assert staff.post("/api/organisations", json=good).status_code == 201
    r = staff.post("/api/organisations", json={**good, "credit_code": "91110000600037341M"})
    assert r.status_code == 422 and r.json()["errors"][0]["code"] == "credit_code.checksum"


def test_residency_history_is_kept(login: Callable[[str], TestClient]) -> None:
    staff = login("staff")
    person = staff.post("/api/persons", json={"id_number": "11010519491231002X", "name": "张三"}).json()
    houses = staff.get("/api/houses").json()["items"]
    body = {
        "person_id": person["id"],
        "house_id": houses[0]["id"],
        "relation": "tenant",
        "start_date": "2024-01-01",
    }
    res = staff.post("/api/residencies", json=body).json()
    assert staff.post("/api/residencies", json=body).status_code == 409  # overlapping
    ended = staff.post(f"/api/residencies/{res['id']}/end", json={"end_date": "2025-06-30", "reason": "退租"})
    assert ended.status_code == 200 and ended.json()["end_date"] == "2025-06-30"
    again = staff.post(
        "/api/residencies", json={**body, "house_id": houses[1]["id"], "start_date": "2025-07-01"}
    )
    assert again.status_code == 201
    history = staff.get(f"/api/persons/{person['id']}/residencies").json()
    assert [h["end_date"] for h in history] == [None, "2025-06-30"]
    bad = staff.post(f"/api/residencies/{res['id']}/end", json={"end_date": "2025-07-30"})
    assert bad.status_code == 409


def test_address_hierarchy_and_stable_codes(login: Callable[[str], TestClient]) -> None:
    admin = login("admin")
    community = admin.get("/api/addresses", params={"level": "community"}).json()["items"][0]
    b = admin.post(
        "/api/addresses",
        json={"level": "building", "parent_id": community["id"], "segment": "9", "name": "9栋"},
    )
    assert b.status_code == 201 and b.json()["code"] == "C0001-9"
    wrong = admin.post(
        "/api/addresses", json={"level": "floor", "parent_id": community["id"], "segment": "1", "name": "1层"}
    )
    assert wrong.status_code == 422 and wrong.json()["errors"][0]["code"] == "address.level"
    renamed = admin.patch(f"/api/addresses/{b.json()['id']}", json={"name": "九栋"})
    assert renamed.json()["code"] == "C0001-9"
    assert admin.patch(f"/api/addresses/{b.json()['id']}", json={"code": "X"}).status_code == 422


def test_lockout_after_five_wrong_passwords_raises_an_alarm(app_client: TestClient, runtime: Runtime) -> None:
    for _ in range(5):
        r = app_client.post("/api/auth/login", json={"username": "staff", "password": "wrong-password1"})
        assert r.status_code == 401
    r = app_client.post("/api/auth/login", json={"username": "staff", "password": "Demo@2026"})
    assert r.status_code == 423 and r.json()["errors"][0]["code"] == "auth.locked"
    with runtime.sessions() as db:
        alarms = db.execute(select(Alarm).where(Alarm.kind == "login_lockout")).scalars().all()
    assert len(alarms) == 1 and "staff" in alarms[0].message_zh


def test_unknown_user_and_wrong_password_look_the_same(app_client: TestClient) -> None:
    a = app_client.post("/api/auth/login", json={"username": "nobody", "password": "x"})
    b = app_client.post("/api/auth/login", json={"username": "staff", "password": "x"})
    assert a.status_code == b.status_code == 401
    assert a.json() == b.json()


def test_logout_revokes_the_token(login: Callable[[str], TestClient]) -> None:
    staff = login("staff")
    assert staff.get("/api/auth/me").json()["role_zh"] == "物业员工"
    assert staff.post("/api/auth/logout").status_code == 204
    assert staff.get("/api/auth/me").status_code == 401


def test_photo_upload_checks(login: Callable[[str], TestClient], runtime: Runtime) -> None:
    staff = login("staff")
    with runtime.sessions() as db:
        pid = db.execute(select(Person.id).limit(1)).scalar_one()
    jpeg = (DATA / "face.jpg").read_bytes()
    ok = staff.post(f"/api/persons/{pid}/photos", files={"file": ("a.jpg", jpeg, "image/jpeg")})
    assert ok.status_code == 201, ok.text
    corrupt = staff.post(f"/api/persons/{pid}/photos", files={"file": ("b.jpg", jpeg[:300], "image/jpeg")})
    assert corrupt.status_code == 422 and corrupt.json()["errors"][0]["code"] == "upload.image"
    big = staff.post(f"/api/persons/{pid}/photos", files={"file": ("c.jpg", jpeg * 10, "image/jpeg")})
    assert big.status_code == 413 and big.json()["errors"][0]["code"] == "upload.too_large"


def test_alarm_workflow(login: Callable[[str], TestClient], app_client: TestClient) -> None:
    for _ in range(5):
        app_client.post("/api/auth/login", json={"username": "grid", "password": "wrong-password1"})
    staff = login("staff")
    alarm = staff.get("/api/alarms", params={"status": "new"}).json()["items"][0]
    assert staff.post(f"/api/alarms/{alarm['id']}/ack").json()["acknowledged_by"] == "staff"
    assert staff.post(f"/api/alarms/{alarm['id']}/ack").status_code == 409
    done = staff.post(
        f"/api/alarms/{alarm['id']}/handle", json={"disposition": "false_alarm", "note": "忘记密码"}
    )
    assert done.json()["status"] == "handled"
    assert login("police").post(f"/api/alarms/{alarm['id']}/ack").status_code == 403


def test_settings_refuse_default_secret_in_production() -> None:
    with pytest.raises(ValueError, match="SC_SECRET_KEY"):
        Settings(mode="production")
    assert Settings(mode="production", secret_key="a-long-private-secret-value").mode == "production"


def test_health_is_public(app_client: TestClient) -> None:
    assert app_client.get("/api/health").json() == {"status": "ok"}
    assert isinstance(app_client.app, FastAPI)
