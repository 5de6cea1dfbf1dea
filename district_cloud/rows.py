"""VIID objects → district table rows: one declarative field map per kind (column = VIID field [, converter])."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from district_cloud import models as m
from district_cloud import viid as v

Mapper = Callable[[Any], dict[str, Any]]
Spec = str | tuple[str, Callable[[Any], Any]]


def fields(**columns: Spec) -> Mapper:
    """A mapper copying each VIID field to its column, converted where a converter is given."""
    spec = [(c, s, None) if isinstance(s, str) else (c, s[0], s[1]) for c, s in columns.items()]

    def to_row(o: Any) -> dict[str, Any]:
        return {c: getattr(o, f) if conv is None else conv(getattr(o, f)) for c, f, conv in spec}

    return to_row


def _images(sub: Any) -> int:
    return len(sub.SubImageInfoObject) if sub is not None else 0


DAY, MOMENT = v.parse_day, v.parse_moment
_address = fields(
    code="AddressCode",
    level="Level",
    parent_id="ParentID",
    name="Name",
    full_name="FullName",
    police_station="PoliceStation",
    officer_name="OfficerName",
    officer_phone="OfficerPhone",
)
_person = fields(
    id_type="IDType",
    id_number="IDNumber",
    name="Name",
    gender="GenderCode",
    birth_date=("BirthDate", DAY),
    ethnicity="EthicCode",
    nationality="Nationality",
    phone="MobilePhone",
    population_type="PopulationType",
    special_categories=("SpecialCategories", list),
)
_house = fields(
    address_id="AddressID",
    address_code="AddressCode",
    address="Address",
    use="HouseUse",
    ownership="Ownership",
    rental_status="RentalStatus",
    area="Area",
    flagged="Flagged",
)
_resident = fields(
    person_id="PersonID",
    house_id="HouseID",
    relation="Relation",
    start_date=("StartDate", DAY),
    end_date=("EndDate", DAY),
)
_unit = fields(
    name="UnitName",
    credit_code="CreditCode",
    kind="UnitType",
    address_code="AddressCode",
    address="Address",
    contact_name="ContactName",
    contact_phone="ContactPhone",
    employees="Employees",
)
_car = fields(
    plate="PlateNo",
    plate_color="PlateColor",
    vehicle_color="VehicleColor",
    brand="VehicleBrand",
    owner_id="OwnerID",
    house_id="HouseID",
    pass_type="PassType",
    valid_until=("ValidUntil", DAY),
)
_alarm = fields(
    kind="AlarmType",
    severity="Severity",
    source="Source",
    message="Message",
    status="Status",
    raised_at=("RaisedTime", MOMENT),
    handled_by="HandledBy",
    handled_at=("HandledTime", MOMENT),
    disposition="Disposition",
    note="Note",
)
_person_pass = fields(
    device_id="DeviceID",
    shot_time=("FaceAppearTime", MOMENT),
    id_number="IDNumber",
    name="Name",
    person_id="PersonID",
    similarity="Similarity",
    direction="Direction",
    decision="Decision",
    location="Location",
)
_vehicle_pass = fields(
    device_id="DeviceID",
    pass_time=("PassTime", MOMENT),
    plate="PlateNo",
    plate_color="PlateColor",
    direction="Direction",
    decision="Decision",
    location="Location",
    images=("SubImageList", _images),
)


def _face(o: v.FaceObject) -> dict[str, Any]:
    return {**_person_pass(o), "kind": "face", "images": _images(o.SubImageList)}


def _door(o: v.DoorInfo) -> dict[str, Any]:
    return {**_person_pass(o), "kind": "door", "images": 0}


RECORDS: dict[str, tuple[type[m.Base], Mapper]] = {
    "AddressInfos": (m.Address, _address),
    "PersonInfos": (m.Person, _person),
    "HouseInfos": (m.House, _house),
    "ResidentInfos": (m.Residency, _resident),
    "UnitInfos": (m.Unit, _unit),
    "CarInfos": (m.Vehicle, _car),
    "AlarmInfos": (m.Alarm, _alarm),
}
PASSES: dict[str, tuple[type[m.Base], Mapper]] = {
    "Faces": (m.PersonPass, _face),
    "DoorInfos": (m.PersonPass, _door),
    "MotorVehicles": (m.VehiclePass, _vehicle_pass),
}
