"""Creating 一标三实 records with their cross-record checks; shared by the API and the Excel importer."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from property_console.errors import Conflict, DomainError
from property_console.models import Address, House, Organisation, Person, Residency, Vehicle
from property_console.schemas.house import HouseCreate
from property_console.schemas.organisation import OrganisationCreate
from property_console.schemas.person import PersonCreate
from property_console.schemas.residency import ResidencyCreate
from property_console.schemas.vehicle import VehicleCreate


def create_house(db: Session, body: HouseCreate) -> House:
    addr = db.get(Address, body.address_id)
    if addr is None or addr.level not in ("room", "building"):
        raise DomainError.one(
            "house.address",
            "房屋必须对应一个房间或楼栋地址",
            "A house needs a room or building address",
            "address_id",
        )
    if db.execute(select(House.id).where(House.address_id == body.address_id)).first():
        raise Conflict.one(
            "house.duplicate", "该地址已登记房屋", "This address already has a house", "address_id"
        )
    house = House(**body.model_dump())
    db.add(house)
    db.flush()
    return house


def find_person(db: Session, id_type: str, id_number: str) -> Person | None:
    stmt = select(Person).where(Person.id_type == id_type, Person.id_number == id_number)
    return db.execute(stmt).scalar_one_or_none()


def create_person(db: Session, body: PersonCreate) -> Person:
    if find_person(db, body.id_type, body.id_number):
        raise Conflict.one(
            "person.duplicate", "该证件号码的人员已登记", "A person with this ID is registered", "id_number"
        )
    person = Person(**body.model_dump())
    db.add(person)
    db.flush()
    return person


def create_residency(db: Session, body: ResidencyCreate) -> Residency:
    """Add a residency; an overlapping one for the same person, house and relation is a conflict."""
    if db.get(Person, body.person_id) is None:
        raise DomainError.one("residency.person", "人员不存在", "Person not found", "person_id")
    if db.get(House, body.house_id) is None:
        raise DomainError.one("residency.house", "房屋不存在", "House not found", "house_id")
    far = dt.date.max
    overlap = select(Residency.id).where(
        Residency.person_id == body.person_id,
        Residency.house_id == body.house_id,
        Residency.start_date < (body.end_date or far),
        or_(Residency.end_date.is_(None), Residency.end_date > body.start_date),
    )
    if db.execute(overlap).first():
        raise Conflict.one(
            "residency.overlap",
            "该人员在此房屋已有时间重叠的居住记录",
            "Overlaps an existing residency",
            "start_date",
        )
    res = Residency(**body.model_dump())
    db.add(res)
    db.flush()
    return res


def end_residency(db: Session, res: Residency, end_date: dt.date, reason: str | None) -> Residency:
    """Close a residency; history is kept, an ended one cannot be ended again."""
    if res.end_date is not None:
        raise Conflict.one("residency.ended", "该居住记录已结束", "Residency already ended", "end_date")
    if end_date <= res.start_date:
        raise DomainError.one(
            "dates.order", "结束日期必须晚于开始日期", "End date must be after start date", "end_date"
        )
    res.end_date, res.end_reason = end_date, reason
    return res


def check_monthly_pass(vehicle: Vehicle) -> None:
    """A monthly pass needs its end date: gates sync monthly passes by it and would treat one without as a
    temporary vehicle."""
    if vehicle.pass_type == "monthly" and vehicle.valid_until is None:
        raise DomainError.one(
            "vehicle.monthly_until",
            "月卡车辆必须填写有效期",
            "A monthly pass needs its end date (valid_until)",
            "valid_until",
        )


def create_vehicle(db: Session, body: VehicleCreate) -> Vehicle:
    if db.execute(select(Vehicle.id).where(Vehicle.plate == body.plate)).first():
        raise Conflict.one("vehicle.duplicate", "该车牌已登记", "This plate is registered", "plate")
    if body.owner_id and db.get(Person, body.owner_id) is None:
        raise DomainError.one("vehicle.owner", "车主不存在", "Owner not found", "owner_id")
    if body.house_id and db.get(House, body.house_id) is None:
        raise DomainError.one("vehicle.house", "房屋不存在", "House not found", "house_id")
    vehicle = Vehicle(**body.model_dump())
    check_monthly_pass(vehicle)
    db.add(vehicle)
    db.flush()
    return vehicle


def create_organisation(db: Session, body: OrganisationCreate) -> Organisation:
    if db.execute(select(Organisation.id).where(Organisation.credit_code == body.credit_code)).first():
        raise Conflict.one(
            "organisation.duplicate", "该信用代码的单位已登记", "Organisation exists", "credit_code"
        )
    org = Organisation(**body.model_dump())
    db.add(org)
    db.flush()
    return org
