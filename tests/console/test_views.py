"""The role × field view matrix, through the real HTTP endpoints."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient

from property_console.security.roles import Role
from property_console.security.views import FIELD_RULES, apply_view

PERSON = {
    "id_number": "340104197608020749",
    "phone": "13658309143",
    "birth_date": "1976-08-02",
    "ethnicity": "汉族",
    "special_categories": ["elderly_alone"],
    "note": "备注",
    "name": "何华",
}
EXPECTED_MASKED = {"id_number": "3401**********0749", "phone": "136****9143", "birth_date": "1976-**-**"}


@pytest.mark.parametrize("role", [r for r in Role if r not in (Role.SYSTEM, Role.DOOR)])
@pytest.mark.parametrize("field", sorted(FIELD_RULES["person"]))
def test_every_cell_of_the_person_matrix(role: Role, field: str) -> None:
    rule = FIELD_RULES["person"][field][role]
    shown = apply_view("person", role, PERSON)
    assert shown["name"] == "何华"  # not a personal field: always shown
    if rule == "full":
        assert shown[field] == PERSON[field]
    elif rule == "hidden":
        assert field not in shown
    else:
        assert shown[field] == EXPECTED_MASKED.get(field, "***")


def test_unknown_role_sees_no_personal_field() -> None:
    shown = apply_view("person", "intruder", PERSON)
    assert set(shown) == {"name"}


def _first_person(client: TestClient) -> dict:
    r = client.get("/api/persons", params={"page_size": 200})
    assert r.status_code == 200, r.text
    return next(p for p in r.json()["items"] if p["id_number"].endswith("0X") or True)


@pytest.mark.parametrize(
    ("user", "id_masked", "ethnicity_visible", "categories_visible"),
    [
        ("staff", True, False, False),
        ("admin", True, False, False),
        ("grid", True, True, True),
        ("police", False, True, True),
        ("district", False, True, True),
    ],
)
def test_person_views_over_http(
    login: Callable[[str], TestClient],
    user: str,
    id_masked: bool,
    ethnicity_visible: bool,
    categories_visible: bool,
) -> None:
    person = _first_person(login(user))
    assert ("*" in person["id_number"]) is id_masked
    assert len(person["id_number"]) == 18
    assert ("ethnicity" in person) is ethnicity_visible
    assert ("special_categories" in person) is categories_visible


def test_resident_sees_only_own_household(login: Callable[[str], TestClient]) -> None:
    resident, staff = login("resident"), login("staff")
    mine = resident.get("/api/persons").json()
    everyone = staff.get("/api/persons").json()
    assert 1 <= mine["total"] < everyone["total"]
    houses = resident.get("/api/houses").json()
    assert houses["total"] == 1
    own_house = houses["items"][0]["id"]
    other = next(h["id"] for h in staff.get("/api/houses").json()["items"] if h["id"] != own_house)
    assert resident.get(f"/api/houses/{other}").status_code == 404
    outsider = next(p["id"] for p in everyone["items"] if p["id"] not in {m["id"] for m in mine["items"]})
    assert resident.get(f"/api/persons/{outsider}").status_code == 404
    assert (
        resident.post("/api/persons", json={"id_number": "11010519491231002X", "name": "x"}).status_code
        == 403
    )


def test_grid_worker_cannot_write(login: Callable[[str], TestClient]) -> None:
    r = login("grid").post("/api/persons", json={"id_number": "11010519491231002X", "name": "张三"})
    assert r.status_code == 403
    assert r.json()["errors"][0]["code"] == "auth.forbidden"
