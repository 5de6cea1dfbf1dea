"""The role × view matrix of a house plate scan, through the real HTTP endpoints, and the audit trail."""

from __future__ import annotations

import uuid
from collections.abc import Callable

from fastapi.testclient import TestClient
from sqlalchemy import select

from property_console.models import House, Person, User
from property_console.runtime import Runtime
from tests.doorplate_web.conftest import Doorplate
from tests.doorplate_web.support import audit_entries, household

ROOM = "C0001-1-1-1-101"  # the demo resident's own house
BASE = {"address", "contact", "help"}
# role -> (sections beyond the public ones, ID numbers shown in full?, actions)
MATRIX: dict[str, tuple[set[str], bool, list[str]]] = {
    "staff": ({"household", "pending", "vehicles"}, False, ["confirm"]),
    "admin": ({"household", "pending", "vehicles"}, False, ["confirm"]),
    "grid": ({"household", "pending", "notes"}, False, ["verify", "inspect"]),
    "police": (
        {"household", "pending", "vehicles", "notes", "ownership", "categories", "patrol_history"},
        True,
        ["inspect", "flag"],
    ),
    "district": (
        {"household", "pending", "vehicles", "notes", "ownership", "categories", "patrol_history"},
        True,
        [],
    ),
}


def resident_phone(rt: Runtime) -> str:
    with rt.sessions() as db:
        user = db.execute(select(User).where(User.username == "resident")).scalar_one()
        person = db.get(Person, user.person_id)
        assert person is not None and person.phone
        return person.phone


def test_anonymous_sees_public_facts_only(dp: Doorplate, runtime: Runtime) -> None:
    view = dp.client.get(f"/api/doorplate/scan/{dp.token(ROOM)}").json()
    assert set(view["sections"]) == BASE and view["viewer"] is None and view["actions"] == []
    assert not {"household", "pending", "vehicles", "notes", "house", "me"} & set(view)
    assert view["contact"]["police_station"] == "城东派出所"  # inherited from the community address
    assert audit_entries(runtime, "scan") == []


def test_staff_roles_see_what_their_role_allows(
    dp: Doorplate, runtime: Runtime, login: Callable[[str], TestClient]
) -> None:
    for username in MATRIX:
        _check_role_view(dp, runtime, login(username), username)


def _check_role_view(dp: Doorplate, runtime: Runtime, client: TestClient, username: str) -> None:
    extra, full_id, actions = MATRIX[username]
    token = dp.token(ROOM)
    view = client.get(f"/api/doorplate/scan/{token}").json()
    assert set(view["sections"]) == BASE | extra
    assert view["actions"] == actions
    truth = {p["name"]: p["id_number"] for p in household(runtime, ROOM)}
    shown = {m["person"]["name"]: m["person"]["id_number"] for m in view["household"]}
    assert shown.keys() == truth.keys()
    for name, number in shown.items():
        if full_id:
            assert number == truth[name]
        else:
            assert number != truth[name] and "*" in number and number[-4:] == truth[name][-4:]
    assert ("ownership" in view["house"]) is ("ownership" in extra)
    page = client.get(f"/D/{token}").text
    for name, number in truth.items():
        assert name in page
        assert (number in page) is full_id
    scans = audit_entries(runtime, "scan", username)
    assert len(scans) == 2 and all(e.entity == "address" for e in scans)
    reads = audit_entries(runtime, "read", username)
    assert {str(m["person"]["id"]) for m in view["household"]} <= {i for e in reads for i in e.entity_ids}


def test_resident_owner_sees_household_but_not_staff_data(dp: Doorplate, runtime: Runtime) -> None:
    resident = dp.otp_client(resident_phone(runtime))
    view = resident.get(f"/api/doorplate/scan/{dp.token(ROOM)}").json()
    assert view["viewer"]["username"] == "resident"  # the OTP login found the demo resident's account
    assert view["me"]["lives_here"] is True
    assert {"household", "register", "my_registrations"} <= set(view["sections"])
    assert not {"vehicles", "notes", "ownership", "patrol_history"} & set(view["sections"])
    for m in view["household"]:
        assert "*" in m["person"]["id_number"] and "special_categories" not in m["person"]
    assert audit_entries(runtime, "scan", "resident")


def test_resident_elsewhere_sees_no_household(dp: Doorplate, runtime: Runtime) -> None:
    resident = dp.otp_client(resident_phone(runtime))
    view = resident.get(f"/api/doorplate/scan/{dp.token('C0001-2-2-3-302')}").json()
    assert view["me"]["lives_here"] is False
    assert "household" not in view and "pending" not in view
    page = resident.get(f"/d/{dp.token('C0001-2-2-3-302')}").text
    for p in household(runtime, "C0001-2-2-3-302"):
        assert p["name"] not in page


ACTIONS: list[tuple[str, str, dict[str, object], int]] = [
    ("staff", "flag", {"flagged": True}, 403),
    ("grid", "flag", {"flagged": True}, 403),
    ("staff", "notes", {"text": "走访"}, 403),
    ("grid", "notes", {"text": "走访：家中无异常"}, 201),
    ("police", "notes", {"text": "核查出租情况"}, 201),
    ("police", "flag", {"flagged": True, "reason": "群众举报"}, 200),
]


def test_house_actions_by_role(dp: Doorplate, runtime: Runtime, login: Callable[[str], TestClient]) -> None:
    clients = {u: login(u) for u in ("staff", "grid", "police")}
    token = dp.token(ROOM)
    house_id = clients["police"].get(f"/api/doorplate/scan/{token}").json()["house"]["id"]
    notes: list[str] = []
    for username, path, body, status in ACTIONS:
        r = clients[username].post(f"/api/doorplate/houses/{house_id}/{path}", json=body)
        assert r.status_code == status, (username, path, r.text)
        if path == "notes" and status == 201:
            notes.append(str(body["text"]))
        with runtime.sessions() as db:
            house = db.get(House, uuid.UUID(house_id))
            assert house is not None
            assert house.flagged is (path == "flag" and status == 200)
        view = clients["police"].get(f"/api/doorplate/scan/{token}").json()
        assert sorted(n["text"] for n in view["notes"]) == sorted(notes)
    assert "民警已标记关注" in clients["staff"].get(f"/d/{token}").text


def test_anonymous_cannot_use_role_endpoints(dp: Doorplate) -> None:
    r = dp.client.post(
        "/api/doorplate/registrations/move-in",
        json={
            "token": dp.token(ROOM),
            "name": "张三",
            "id_number": "11010119900307001X",
            "relation": "family",
            "start_date": "2026-11-01",
        },
    )
    assert r.status_code == 401
    assert dp.client.get("/api/patrol/reports").status_code == 401
