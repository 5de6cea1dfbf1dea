"""Valid VIID objects for district tests."""

from __future__ import annotations

import base64
import io
from typing import Any

from PIL import Image


def jpeg_b64() -> str:
    buf = io.BytesIO()
    Image.new("RGB", (32, 32), (120, 80, 40)).save(buf, "JPEG")
    return base64.b64encode(buf.getvalue()).decode()


def person(
    pid: str = "p-1",
    version: int = 1,
    name: str = "张三",
    id_number: str = "340104199001011234",
    **extra: Any,
) -> dict[str, Any]:
    return {
        "PersonID": pid,
        "RecordVersion": version,
        "Operation": "upsert",
        "Resync": False,
        "IDType": "resident_id",
        "IDNumber": id_number,
        "Name": name,
        "GenderCode": "1",
        "BirthDate": "19900101",
        "MobilePhone": "13800000001",
        **extra,
    }


def vehicle_pass(vid: str, plate: str = "皖A12345", t: str = "20261121120000") -> dict[str, Any]:
    return {
        "MotorVehicleID": vid,
        "RecordVersion": 1,
        "DeviceID": "C0001-LPR-N-0001",
        "PassTime": t,
        "PlateNo": plate,
        "PlateColor": "5",
        "Direction": "in",
        "SubImageList": {
            "SubImageInfoObject": [
                {"ImageID": "a" * 64, "Type": "02", "FileFormat": "Jpeg", "Data": jpeg_b64()}
            ]
        },
    }


def persons_body(*objs: dict[str, Any]) -> dict[str, Any]:
    return {"PersonInfoListObject": {"PersonInfoObject": list(objs)}}


def vehicles_body(*objs: dict[str, Any]) -> dict[str, Any]:
    return {"MotorVehicleListObject": {"MotorVehicleObject": list(objs)}}
