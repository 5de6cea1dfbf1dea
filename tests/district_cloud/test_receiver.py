"""The receiver refuses unauthenticated and malformed uploads (nothing stored) and stores idempotently."""

from __future__ import annotations

from collections.abc import Callable

from fastapi.testclient import TestClient
from sqlalchemy import func, select

from district_cloud import models as m
from district_cloud.db import District
from tests.district_cloud.payloads import person, persons_body, vehicle_pass, vehicles_body


def _count(d: District, model: type[m.Base]) -> int:
    with d.sessions() as db:
        return int(db.execute(select(func.count()).select_from(model)).scalar_one())


def test_unauthenticated_and_wrong_password_are_refused(
    district: District, district_client: TestClient, community_client: Callable[..., TestClient]
) -> None:
    r = district_client.post("/VIID/PersonInfos", json=persons_body(person()))
    assert r.status_code == 401
    assert r.headers["www-authenticate"].startswith("Digest ")
    assert (
        community_client(password="wrong-password")
        .post("/VIID/PersonInfos", json=persons_body(person()))
        .status_code
        == 401
    )
    assert (
        community_client(code="C9999").post("/VIID/PersonInfos", json=persons_body(person())).status_code
        == 401
    )
    assert _count(district, m.Person) == 0 and _count(district, m.Receipt) == 0


def test_forged_nonce_is_refused(district: District, district_client: TestClient) -> None:
    header = (
        'Digest username="C0001", realm="district-viid", nonce="123.abc", uri="/VIID/PersonInfos", '
        'response="00000000000000000000000000000000", qop=auth, nc=00000001, cnonce="x"'
    )
    r = district_client.post(
        "/VIID/PersonInfos", json=persons_body(person()), headers={"Authorization": header}
    )
    assert r.status_code == 401
    assert _count(district, m.Person) == 0


def test_malformed_bodies_are_refused(
    district: District, community_client: Callable[..., TestClient]
) -> None:
    c = community_client()
    bad_json = c.post("/VIID/PersonInfos", content=b"{not json", headers={"Content-Type": "application/json"})
    assert bad_json.status_code == 400
    assert bad_json.json()["ResponseStatusObject"]["StatusCode"] == "7"
    assert c.post("/VIID/PersonInfos", json={"Wrong": []}).status_code == 400
    assert c.post("/VIID/PersonInfos", json=persons_body()).status_code == 400
    assert c.post("/VIID/Nonsense", json=persons_body(person())).status_code == 404
    assert _count(district, m.Person) == 0


def test_invalid_objects_get_status_8_and_are_not_stored(
    district: District, community_client: Callable[..., TestClient]
) -> None:
    c = community_client()
    bad_date = person("p-2", BirthDate="20261399")
    unknown_field = person("p-3", Hacker="x")
    no_name = person("p-4")
    del no_name["Name"]
    r = c.post("/VIID/PersonInfos", json=persons_body(person("p-1"), bad_date, unknown_field, no_name))
    assert r.status_code == 200
    codes = [s["StatusCode"] for s in r.json()["ResponseStatusListObject"]["ResponseStatusObject"]]
    assert codes == ["0", "8", "8", "8"]
    with district.sessions() as db:
        assert db.execute(select(m.Person.record_id)).scalars().all() == ["p-1"]
    not_jpeg = vehicle_pass("v-1")
    not_jpeg["SubImageList"]["SubImageInfoObject"][0]["Data"] = "aGVsbG8gd29ybGQ="
    r = c.post("/VIID/MotorVehicles", json=vehicles_body(not_jpeg))
    assert r.json()["ResponseStatusListObject"]["ResponseStatusObject"][0]["StatusCode"] == "8"
    assert _count(district, m.VehiclePass) == 0 and _count(district, m.Image) == 0


def test_same_object_twice_is_one_record_and_older_never_wins(
    district: District, community_client: Callable[..., TestClient]
) -> None:
    c = community_client()
    assert c.post("/VIID/PersonInfos", json=persons_body(person(version=2, name="新名字"))).status_code == 200
    c.post("/VIID/PersonInfos", json=persons_body(person(version=2, name="新名字")))
    c.post("/VIID/PersonInfos", json=persons_body(person(version=1, name="旧名字")))
    c.post("/VIID/MotorVehicles", json=vehicles_body(vehicle_pass("v-1"), vehicle_pass("v-1")))
    c.post("/VIID/MotorVehicles", json=vehicles_body(vehicle_pass("v-1")))
    with district.sessions() as db:
        people = db.execute(select(m.Person)).scalars().all()
        assert [(p.name, p.version) for p in people] == [("新名字", 2)]
        community = db.get(m.Community, "C0001")
        assert community is not None and community.last_data_at is not None
    assert _count(district, m.Receipt) == 2  # versions 2 and 1 each received once
    assert _count(district, m.VehiclePass) == 1 and _count(district, m.Image) == 1


def test_other_communitys_records_are_separate(
    district: District, community_client: Callable[..., TestClient]
) -> None:
    community_client().post("/VIID/PersonInfos", json=persons_body(person()))
    community_client("C0002", "other-Secret-2").post("/VIID/PersonInfos", json=persons_body(person()))
    with district.sessions() as db:
        assert sorted(db.execute(select(m.Person.community)).scalars()) == ["C0001", "C0002"]


def test_register_keepalive_unregister(
    district: District, community_client: Callable[..., TestClient]
) -> None:
    c = community_client()
    assert c.post("/VIID/System/Register", json={"RegisterObject": {"DeviceID": "C0002"}}).status_code == 400
    r = c.post("/VIID/System/Register", json={"RegisterObject": {"DeviceID": "C0001"}})
    assert r.json()["ResponseStatusObject"]["StatusCode"] == "0"
    with district.sessions.begin() as db:
        community = db.get(m.Community, "C0001")
        assert community is not None and community.registered
        community.resync_token = "tok1"
    assert (
        c.post("/VIID/System/Keepalive", json={"KeepaliveObject": {"DeviceID": "C0001"}}).json()[
            "ResyncToken"
        ]
        == "tok1"
    )
    done = c.post(
        "/VIID/System/Keepalive", json={"KeepaliveObject": {"DeviceID": "C0001", "ResyncDone": "tok1"}}
    )
    assert "ResyncToken" not in done.json()
    c.post("/VIID/System/UnRegister", json={"UnRegisterObject": {"DeviceID": "C0001"}})
    with district.sessions() as db:
        community = db.get(m.Community, "C0001")
        assert community is not None and not community.registered and community.resync_done_at is not None
