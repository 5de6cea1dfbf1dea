"""VIID objects → district table rows (one small function per kind)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from district_cloud import models as m
from district_cloud import viid as v


def _address(o: v.AddressInfo) -> dict[str, Any]:
    return {
        "code": o.AddressCode,
        "level": o.Level,
        "parent_id": o.ParentID,
        "name": o.Name,
        "full_name": o.FullName,
        "police_station": o.PoliceStation,
        "officer_name": o.OfficerName,
        "officer_phone": o.OfficerPhone,
    }


def _person(o: v.PersonInfo) -> dict[str, Any]:
    return {
        "id_type": o.IDType,
        "id_number": o.IDNumber,
        "name": o.Name,
        "gender": o.GenderCode,
        "birth_date": v.parse_day(o.BirthDate),
        "ethnicity": o.EthicCode,
        "nationality": o.Nationality,
        "phone": o.MobilePhone,
        "population_type": o.PopulationType,
        "special_categories": list(o.SpecialCategories),
    }


def _house(o: v.HouseInfo) -> dict[str, Any]:
    return {
        "address_id": o.AddressID,
        "address_code": o.AddressCode,
        "address": o.Address,
        "use": o.HouseUse,
        "ownership": o.Ownership,
        "rental_status": o.RentalStatus,
        "area": o.Area,
        "flagged": o.Flagged,
    }


def _resident(o: v.ResidentInfo) -> dict[str, Any]:
    return {
        "person_id": o.PersonID,
        "house_id": o.HouseID,
        "relation": o.Relation,
        "start_date": v.parse_day(o.StartDate),
        "end_date": v.parse_day(o.EndDate),
    }


def _unit(o: v.UnitInfo) -> dict[str, Any]:
    return {
        "name": o.UnitName,
        "credit_code": o.CreditCode,
        "kind": o.UnitType,
        "address_code": o.AddressCode,
        "address": o.Address,
        "contact_name": o.ContactName,
        "contact_phone": o.ContactPhone,
        "employees": o.Employees,
    }


def _car(o: v.CarInfo) -> dict[str, Any]:
    return {
        "plate": o.PlateNo,
        "plate_color": o.PlateColor,
        "vehicle_color": o.VehicleColor,
        "brand": o.VehicleBrand,
        "owner_id": o.OwnerID,
        "house_id": o.HouseID,
        "pass_type": o.PassType,
        "valid_until": v.parse_day(o.ValidUntil),
    }


def _alarm(o: v.AlarmInfo) -> dict[str, Any]:
    return {
        "kind": o.AlarmType,
        "severity": o.Severity,
        "source": o.Source,
        "message": o.Message,
        "status": o.Status,
        "raised_at": v.parse_moment(o.RaisedTime),
        "handled_by": o.HandledBy,
        "handled_at": v.parse_moment(o.HandledTime),
        "disposition": o.Disposition,
        "note": o.Note,
    }


def _face(o: v.FaceObject | v.DoorInfo) -> dict[str, Any]:
    images = len(o.SubImageList.SubImageInfoObject) if isinstance(o, v.FaceObject) else 0
    return {
        "kind": "face" if isinstance(o, v.FaceObject) else "door",
        "device_id": o.DeviceID,
        "shot_time": v.parse_moment(o.FaceAppearTime),
        "id_number": o.IDNumber,
        "name": o.Name,
        "person_id": o.PersonID,
        "similarity": o.Similarity,
        "direction": o.Direction,
        "decision": o.Decision,
        "location": o.Location,
        "images": images,
    }


def _vehicle_pass(o: v.MotorVehicleObject) -> dict[str, Any]:
    return {
        "device_id": o.DeviceID,
        "pass_time": v.parse_moment(o.PassTime),
        "plate": o.PlateNo,
        "plate_color": o.PlateColor,
        "direction": o.Direction,
        "decision": o.Decision,
        "location": o.Location,
        "images": len(o.SubImageList.SubImageInfoObject),
    }


Mapper = Callable[[Any], dict[str, Any]]
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
    "DoorInfos": (m.PersonPass, _face),
    "MotorVehicles": (m.VehiclePass, _vehicle_pass),
}
