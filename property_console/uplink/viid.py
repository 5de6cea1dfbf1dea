"""Outbox rows → GA/T 1400 (VIID) objects: Faces, MotorVehicles, and the community extensions.

Each kind has one endpoint, one list wrapper and one object name. Every object carries its own id, the record
version (`RecordVersion`), the operation (`Operation`: upsert/delete) and `Resync`; times are GA/T 1400
`YYYYMMDDhhmmss` in Beijing time (UTC+08:00).
"""

from __future__ import annotations

import base64
import datetime as dt
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

from sc_core.viid import BEIJING, KINDS, Kind, viid_date, viid_time

__all__ = ["BEIJING", "ENDPOINTS", "Item", "encode", "route", "viid_date", "viid_time", "wrap"]

log = logging.getLogger(__name__)
GENDER = {"male": "1", "female": "2", "unknown": "0"}
COLOR = {"black": "1", "white": "2", "blue": "5", "yellow": "6", "green": "9", "yellow_green": "99"}
IMAGE_TYPE = {"vehicle": "01", "plate": "02", "face": "11", "scene": "14", "snapshot": "14"}

Endpoint = Kind  # path, list_name, object_name, id_field and the object model, shared with the district
ENDPOINTS: dict[str, Endpoint] = {
    key: KINDS[name]
    for key, name in {
        "address": "AddressInfos",
        "house": "HouseInfos",
        "person": "PersonInfos",
        "residency": "ResidentInfos",
        "organisation": "UnitInfos",
        "vehicle": "CarInfos",
        "alarm": "AlarmInfos",
        "face": "Faces",
        "door": "DoorInfos",
        "motor_vehicle": "MotorVehicles",
    }.items()
}
"""Outbox kind → the GA/T 1400 endpoint its objects go to."""


@dataclass
class Item:
    """One outbox row to encode: what the delivery loop reads."""

    seq: int
    kind: str
    record_id: str
    version: int
    op: str
    payload: Mapping[str, Any]
    resync: bool = False
    captures: tuple[str, ...] = ()
    created_at: dt.datetime | None = None


AddressLookup = Callable[[str | None], tuple[str | None, str | None]]
ImageLookup = Callable[[str], bytes | None]


def route(item: Item) -> str:
    """Which endpoint an outbox kind goes to (door passes with a face capture are VIID Faces)."""
    if item.kind in ("door_pass", "visitor_pass"):
        return "face" if item.captures else "door"
    if item.kind == "vehicle_pass":
        return "motor_vehicle"
    return item.kind


def _common(item: Item, ep: Endpoint) -> dict[str, Any]:
    return {
        ep.id_field: item.record_id,
        "RecordVersion": item.version,
        "Operation": item.op,
        "Resync": item.resync,
    }


def _address(p: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "AddressCode": p.get("code"),
        "Level": p.get("level"),
        "ParentID": p.get("parent_id"),
        "Name": p.get("name"),
        "FullName": p.get("full_name"),
        "PoliceStation": p.get("police_station"),
        "OfficerName": p.get("officer_name"),
        "OfficerPhone": p.get("officer_phone"),
    }


def _person(p: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "IDType": p.get("id_type"),
        "IDNumber": p.get("id_number"),
        "Name": p.get("name"),
        "GenderCode": GENDER.get(str(p.get("gender")), "0"),
        "BirthDate": viid_date(p.get("birth_date")),
        "EthicCode": p.get("ethnicity"),
        "Nationality": p.get("nationality"),
        "MobilePhone": p.get("phone"),
        "PopulationType": p.get("population_type"),
        "SpecialCategories": list(p.get("special_categories") or []),
    }


def _house(p: Mapping[str, Any], addr: AddressLookup) -> dict[str, Any]:
    code, full = addr(p.get("address_id"))
    return {
        "AddressID": p.get("address_id"),
        "AddressCode": code,
        "Address": full,
        "HouseUse": p.get("use"),
        "Ownership": p.get("ownership"),
        "RentalStatus": p.get("rental_status"),
        "Area": p.get("area_m2"),
        "Flagged": bool(p.get("flagged")),
    }


def _residency(p: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "PersonID": p.get("person_id"),
        "HouseID": p.get("house_id"),
        "Relation": p.get("relation"),
        "StartDate": viid_date(p.get("start_date")),
        "EndDate": viid_date(p.get("end_date")),
    }


def _unit(p: Mapping[str, Any], addr: AddressLookup) -> dict[str, Any]:
    code, full = addr(p.get("address_id"))
    return {
        "UnitName": p.get("name"),
        "CreditCode": p.get("credit_code"),
        "UnitType": p.get("kind"),
        "AddressCode": code,
        "Address": full,
        "ContactName": p.get("contact_name"),
        "ContactPhone": p.get("contact_phone"),
        "Employees": p.get("employees"),
    }


def _car(p: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "PlateNo": p.get("plate"),
        "PlateColor": COLOR.get(str(p.get("plate_color")), "99"),
        "VehicleColor": p.get("vehicle_color"),
        "VehicleBrand": p.get("brand"),
        "OwnerID": p.get("owner_id"),
        "HouseID": p.get("house_id"),
        "PassType": p.get("pass_type"),
        "ValidUntil": viid_date(p.get("valid_until")),
    }


def _alarm(p: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "AlarmType": p.get("kind"),
        "Severity": p.get("severity"),
        "Source": p.get("source"),
        "Message": p.get("message_zh"),
        "Status": p.get("status"),
        "RaisedTime": viid_time(p.get("raised_at")),
        "HandledBy": p.get("handled_by"),
        "HandledTime": viid_time(p.get("handled_at")),
        "Disposition": p.get("disposition"),
        "Note": p.get("note"),
    }


def _images(item: Item, images: ImageLookup, device: str, shot: str | None) -> dict[str, Any]:
    types = {c["sha256"]: c.get("type", "face") for c in item.payload.get("captures") or []}
    objs = []
    for sha in item.captures:
        data = images(sha)
        if data is None:  # already purged locally; the object still goes up without its image
            continue
        objs.append(
            {
                "ImageID": sha,
                "Type": IMAGE_TYPE.get(types.get(sha, "face"), "14"),
                "FileFormat": "Jpeg",
                "DeviceID": device,
                "ShotTime": shot,
                "Data": base64.b64encode(data).decode("ascii"),
            }
        )
    return {"SubImageInfoObject": objs}


def _pass(item: Item, community: str, images: ImageLookup, ep: str) -> dict[str, Any]:
    p = item.payload
    device = f"{community}-{p.get('device_id')}"
    shot = viid_time(p.get("shot_time"))
    if ep == "motor_vehicle":
        return {
            "InfoKind": 1,
            "DeviceID": device,
            "PassTime": shot,
            "PlateNo": p.get("plate"),
            "PlateColor": COLOR.get(str(p.get("plate_color")), "99"),
            "Direction": p.get("direction"),
            "Decision": p.get("decision"),
            "Location": p.get("location"),
            "SubImageList": _images(item, images, device, shot),
        }
    obj = {
        "InfoKind": 1,
        "DeviceID": device,
        "FaceAppearTime": shot,
        "IDNumber": p.get("id_number"),
        "Name": p.get("name"),
        "PersonID": p.get("person_id"),
        "Similarity": p.get("similarity"),
        "Direction": p.get("direction"),
        "Decision": p.get("decision"),
        "Location": p.get("location"),
    }
    if ep == "face":
        obj["SubImageList"] = _images(item, images, device, shot)
    else:
        obj["PassKind"] = item.kind
    return obj


def _typed(key: str, obj: dict[str, Any]) -> dict[str, Any]:
    """The object as the shared model dumps it (the keys given); one the model refuses goes as
    it is, so the district answers that item with the reason and the rest of the batch is stored."""
    try:
        model = ENDPOINTS[key].model.model_validate(obj)
    except ValidationError as exc:
        log.warning(
            "uplink %s %s not a valid GA/T 1400 object: %s", key, obj.get(ENDPOINTS[key].id_field), exc
        )
        return obj
    return model.model_dump(mode="json", exclude_unset=True)


def encode(
    item: Item, community: str, addr: AddressLookup, images: ImageLookup
) -> tuple[str, dict[str, Any]]:
    """(endpoint key, VIID object) for one outbox row."""
    key = route(item)
    ep = ENDPOINTS[key]
    p = item.payload
    body: dict[str, Any]
    if key in ("face", "door", "motor_vehicle"):
        body = _pass(item, community, images, key)
    elif key == "address":
        body = _address(p)
    elif key == "person":
        body = _person(p)
    elif key == "house":
        body = _house(p, addr)
    elif key == "residency":
        body = _residency(p)
    elif key == "organisation":
        body = _unit(p, addr)
    elif key == "vehicle":
        body = _car(p)
    else:
        body = _alarm(p)
    return key, _typed(key, {**_common(item, ep), **{k: v for k, v in body.items() if v is not None}})


def wrap(key: str, objects: list[dict[str, Any]]) -> dict[str, Any]:
    """The request body for one endpoint: {ListObject: {Object: [...]}}."""
    ep = ENDPOINTS[key]
    return {ep.list_name: {ep.object_name: objects}}
