"""Self-registration on the scan page → confirmation by staff or the owner → person and residency records."""

from __future__ import annotations

import base64
import datetime as dt
from collections.abc import Callable

from fastapi.testclient import TestClient
from sqlalchemy import select

from property_console.models import PersonPhoto, User
from property_console.runtime import Runtime
from tests.doorplate_web.conftest import Doorplate
from tests.doorplate_web.support import household, id_number, residencies_of
from tests.doorplate_web.test_scan_roles import ROOM, resident_phone

OTHER_ROOM = "C0001-2-1-2-201"
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 60


def _move_in(client: TestClient, token: str, number: str, **extra: object) -> dict[str, object]:
    body = {
        "token": token,
        "name": "赵小满",
        "id_number": number,
        "relation": "tenant",
        "start_date": "2026-11-20",
    }
    r = client.post("/api/doorplate/registrations/move-in", json=body | extra)
    return {"http": r.status_code, **r.json()}


def test_self_registration_is_pending_until_staff_confirms(
    dp: Doorplate, runtime: Runtime, login: Callable[[str], TestClient]
) -> None:
    newcomer = dp.otp_client("13812345678")  # a phone nobody in the database has
    number = id_number(dt.date(1992, 5, 17), 123, "110101")
    photo = base64.b64encode(JPEG).decode()
    out = _move_in(
        newcomer,
        dp.token(OTHER_ROOM),
        number,
        for_self=True,
        phone="13812345678",
        photo_base64=photo,
        photo_type="image/jpeg",
    )
    assert out["http"] == 201 and out["status"] == "pending", out
    assert out["kind"] == "move_in"
    assert residencies_of(runtime, number) == []  # nothing applied yet
    staff = login("staff")
    pending = staff.get(f"/api/doorplate/scan/{dp.token(OTHER_ROOM)}").json()["pending"]
    assert (
        [p["name"] for p in pending] == ["赵小满"]
        and "*" in pending[0]["id_number"]
        and pending[0]["has_photo"]
    )
    grid = login("grid")
    assert grid.post(f"/api/doorplate/registrations/{out['id']}/confirm").status_code == 403
    assert grid.post(f"/api/doorplate/registrations/{out['id']}/verify").json()["verified_by"] == "grid"
    r = staff.post(f"/api/doorplate/registrations/{out['id']}/confirm")
    assert r.status_code == 200 and r.json()["status"] == "confirmed", r.text
    (res,) = residencies_of(runtime, number)
    assert res.relation == "tenant" and res.start_date == dt.date(2026, 11, 20) and res.end_date is None
    people = {p["id_number"]: p for p in household(runtime, OTHER_ROOM)}
    assert people[number]["name"] == "赵小满" and people[number]["phone"] == "13812345678"
    with runtime.sessions() as db:
        user = db.execute(select(User).where(User.phone == "13812345678")).scalar_one()
        assert user.role == "resident" and user.person_id == res.person_id  # linked to the new person
        assert db.execute(select(PersonPhoto).where(PersonPhoto.person_id == res.person_id)).scalar_one()
    assert staff.post(f"/api/doorplate/registrations/{out['id']}/confirm").status_code == 409
    view = newcomer.get(f"/api/doorplate/scan/{dp.token(OTHER_ROOM)}").json()
    assert view["me"]["lives_here"] is True  # now sees the household


def test_invalid_id_number_is_refused_with_the_validator_message(dp: Doorplate) -> None:
    newcomer = dp.otp_client("13812345679")
    number = id_number(dt.date(1992, 5, 17), 124, "110101")
    wrong = number[:-1] + ("0" if number[-1] != "0" else "1")
    r = newcomer.post(
        "/api/doorplate/registrations/move-in",
        json={
            "token": dp.token(OTHER_ROOM),
            "name": "钱多",
            "id_number": wrong,
            "relation": "tenant",
            "for_self": True,
            "start_date": "2026-11-20",
        },
    )
    assert r.status_code == 422
    err = r.json()["errors"][0]
    assert err["field"] == "id_number" and "校验" in err["message_zh"]


def test_owner_registers_minor_and_tenant_at_once_and_ends_tenancy(dp: Doorplate, runtime: Runtime) -> None:
    owner = dp.otp_client(resident_phone(runtime))  # the demo resident owns ROOM
    token = dp.token(ROOM)
    child = id_number(dt.date(2019, 3, 2), 201, "110101")
    out = _move_in(owner, token, child, relation="family", name="林小宝")
    assert out["http"] == 201 and out["status"] == "confirmed", out
    (res,) = residencies_of(runtime, child)
    assert res.relation == "family"  # applied at once: the owner confirmed by registering
    tenant = id_number(dt.date(1988, 8, 8), 301, "110101")
    out = _move_in(owner, token, tenant)
    (t_res,) = residencies_of(runtime, tenant)
    r = owner.post(
        "/api/doorplate/registrations/move-out",
        json={"token": token, "residency_id": str(t_res.id), "end_date": "2026-11-21"},
    )
    assert r.status_code == 201 and r.json()["status"] == "confirmed", r.text
    (ended,) = residencies_of(runtime, tenant)
    assert ended.end_date == dt.date(2026, 11, 21)  # history kept, not deleted


def test_non_owner_needs_confirmation_and_cannot_register_tenants(
    dp: Doorplate, runtime: Runtime, login: Callable[[str], TestClient]
) -> None:
    owner = dp.otp_client(resident_phone(runtime))
    token = dp.token(ROOM)
    adult = id_number(dt.date(1995, 1, 1), 401, "110101")
    _move_in(owner, token, adult, relation="family", name="林大成", phone="13912340000")
    member = dp.otp_client("13912340000")  # a family member logs in with their own phone
    view = member.get(f"/api/doorplate/scan/{token}").json()
    assert view["me"]["lives_here"] is True and view["me"]["is_owner"] is False
    elder = id_number(dt.date(1940, 2, 2), 402, "110101")
    out = _move_in(member, token, elder, relation="family", name="林奶奶")
    assert out["http"] == 201 and out["status"] == "pending"
    assert residencies_of(runtime, elder) == []  # pending: a family member is not the owner
    assert member.post(f"/api/doorplate/registrations/{out['id']}/confirm").status_code == 403
    assert _move_in(member, token, id_number(dt.date(1990, 1, 1), 403, "110101"))["http"] == 403
    r = owner.post(f"/api/doorplate/registrations/{out['id']}/confirm")  # the owner confirms
    assert r.status_code == 200, r.text
    assert len(residencies_of(runtime, elder)) == 1
    stranger = dp.otp_client("13700000001")
    assert (
        _move_in(stranger, token, id_number(dt.date(1990, 1, 1), 404, "110101"), relation="family")["http"]
        == 403
    )


def test_move_out_and_phone_update_by_family_are_pending(
    dp: Doorplate, runtime: Runtime, login: Callable[[str], TestClient]
) -> None:
    owner = dp.otp_client(resident_phone(runtime))
    token = dp.token(ROOM)
    number = id_number(dt.date(1996, 6, 6), 501, "110101")
    _move_in(owner, token, number, relation="family", name="林二", phone="13912340001")
    member = dp.otp_client("13912340001")
    (res,) = residencies_of(runtime, number)
    r = member.post(
        "/api/doorplate/registrations/update-phone",
        json={"token": token, "residency_id": str(res.id), "phone": "13912340002"},
    )
    assert r.status_code == 201 and r.json()["status"] == "pending"
    assert login("staff").post(f"/api/doorplate/registrations/{r.json()['id']}/confirm").status_code == 200
    assert {p["phone"] for p in household(runtime, ROOM) if p["id_number"] == number} == {"13912340002"}
    r = member.post(
        "/api/doorplate/registrations/move-out",
        json={"token": token, "residency_id": str(res.id), "end_date": "2026-11-22"},
    )
    assert r.status_code == 201 and r.json()["status"] == "pending"
    assert residencies_of(runtime, number)[0].end_date is None
    reject = login("staff").post(
        f"/api/doorplate/registrations/{r.json()['id']}/reject", json={"note": "信息有误"}
    )
    assert reject.json()["status"] == "rejected"
    assert residencies_of(runtime, number)[0].end_date is None
