"""The console's GA/T 1400 encoder and the district's receiver share one set of object models (sc_core.viid)."""

from __future__ import annotations

import datetime as dt

from district_cloud import viid as district
from property_console.uplink.viid import ENDPOINTS, Item, encode, wrap
from sc_core import viid

PERSON = {
    "id_type": "111",
    "id_number": "340104199001010749",
    "name": "王伟",
    "gender": "male",
    "birth_date": "1990-01-01",
    "phone": "13800000000",
    "special_categories": [],
}


def _no_lookup(_: str | None) -> tuple[str | None, str | None]:
    return None, None


def test_one_model_per_object_on_both_sides() -> None:
    assert district.KINDS is viid.KINDS and district.PersonInfo is viid.PersonInfo
    assert ENDPOINTS["person"].model is viid.PersonInfo and ENDPOINTS["person"].path == "/VIID/PersonInfos"
    assert ENDPOINTS["motor_vehicle"].path == "/VIID/MotorVehicles"


def test_person_encodes_to_the_wire_json_the_district_parses() -> None:
    item = Item(seq=1, kind="person", record_id="p-1", version=3, op="upsert", payload=PERSON)
    key, obj = encode(item, "C0001", _no_lookup, lambda _sha: None)
    assert key == "person"
    assert obj == {  # hand-written: GA/T names, Beijing dates, no null fields
        "PersonID": "p-1",
        "RecordVersion": 3,
        "Operation": "upsert",
        "Resync": False,
        "IDType": "111",
        "IDNumber": "340104199001010749",
        "Name": "王伟",
        "GenderCode": "1",
        "BirthDate": "19900101",
        "MobilePhone": "13800000000",
        "SpecialCategories": [],
    }
    body = wrap(key, [obj])
    parsed = district.PersonInfo.model_validate(body["PersonInfoListObject"]["PersonInfoObject"][0])
    assert parsed.Name == "王伟" and parsed.BirthDate == "19900101"


def test_alarm_time_in_beijing() -> None:
    payload = {"kind": "perimeter_intrusion", "severity": "high", "raised_at": "2026-12-04T12:00:00+00:00"}
    item = Item(seq=2, kind="alarm", record_id="a-1", version=1, op="upsert", payload=payload)
    _key, obj = encode(item, "C0001", _no_lookup, lambda _sha: None)
    assert obj["RaisedTime"] == "20261204200000"
    assert viid.parse_moment(obj["RaisedTime"]) == dt.datetime(2026, 12, 4, 12, 0, tzinfo=dt.UTC)


def test_an_object_the_model_refuses_goes_as_it_is_for_the_district_to_name() -> None:
    item = Item(seq=3, kind="person", record_id="p-2", version=1, op="upsert", payload={"id_type": "111"})
    _key, obj = encode(item, "C0001", _no_lookup, lambda _sha: None)
    assert obj == {
        "PersonID": "p-2",
        "RecordVersion": 1,
        "Operation": "upsert",
        "Resync": False,
        "IDType": "111",
        "GenderCode": "0",
        "SpecialCategories": [],
    }
