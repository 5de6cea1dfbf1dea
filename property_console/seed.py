"""A sample community for `sc demo`: addresses, houses, residents, vehicles, devices and one user per role."""

from __future__ import annotations

import datetime as dt
import random

from sqlalchemy import select
from sqlalchemy.orm import Session

from property_console.models import Address, Device, House, Person, Residency, User, Vehicle
from property_console.schemas.user import UserCreate
from property_console.security.roles import Role
from property_console.services.users import create_user
from property_console.validators.id_number import make_id_number

DEMO_PASSWORD = "Demo@2026"
# The demo's face-door identity (role `door`: gallery/pass sync and event ingest only) for `sc door run`;
# a real door gets its own: `sc users create door-1-1-0001 --role door` (docs/face-recognition.md).
DEMO_DOOR_USER = ("door-demo", "演示门禁终端")
DEMO_USERS = (
    ("admin", "物业管理员", Role.PROPERTY_ADMIN),
    ("staff", "物业员工小王", Role.PROPERTY_STAFF),
    ("grid", "网格员小李", Role.GRID_WORKER),
    ("police", "社区民警老张", Role.COMMUNITY_POLICE),
    ("district", "区分局民警", Role.DISTRICT_POLICE),
    ("resident", "住户", Role.RESIDENT),
)
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华建国志红"
PROVINCE_PLATE = "皖"


def _addr(db: Session, level: str, code: str, name: str, full: str, parent: Address | None) -> Address:
    a = Address(code=code, level=level, name=name, full_name=full, parent_id=parent.id if parent else None)
    db.add(a)
    db.flush()
    return a


def seed_demo(
    db: Session, community_code: str, community_name: str, rng: random.Random | None = None
) -> bool:
    """Fill an empty database with a believable small community; False when data already exists."""
    if db.execute(select(Address.id).limit(1)).first():
        return False
    rng = rng or random.Random(2026)
    community = _addr(db, "community", community_code, community_name, community_name, None)
    community.police_station, community.officer_name, community.officer_phone = (
        "城东派出所",
        "张警官",
        "0551-62345678",
    )
    people: list[Person] = []
    for b in (1, 2):
        bld = _addr(db, "building", f"{community.code}-{b}", f"{b}栋", f"{community_name}{b}栋", community)
        for u in (1, 2):
            unit = _addr(db, "unit", f"{bld.code}-{u}", f"{u}单元", f"{bld.full_name}{u}单元", bld)
            for f in range(1, 4):
                floor = _addr(db, "floor", f"{unit.code}-{f}", f"{f}层", f"{unit.full_name}{f}层", unit)
                for r in (1, 2):
                    num = f"{f}{r:02d}"
                    room = _addr(
                        db, "room", f"{floor.code}-{num}", f"{num}室", f"{unit.full_name}{num}室", floor
                    )
                    people += _household(db, room, rng, len(people))
    _vehicles(db, people, rng)
    _devices(db, community)
    for username, display, role in DEMO_USERS:
        person_id = people[0].id if role == Role.RESIDENT else None
        create_user(
            db,
            UserCreate(
                username=username,
                display_name=display,
                role=role,
                password=DEMO_PASSWORD,
                person_id=person_id,
            ),
        )
    username, display = DEMO_DOOR_USER
    create_user(
        db, UserCreate(username=username, display_name=display, role=Role.DOOR, password=DEMO_PASSWORD)
    )
    return True


def _household(db: Session, room: Address, rng: random.Random, n: int) -> list[Person]:
    house = House(address_id=room.id, area_m2=rng.choice([68, 89, 96, 120, 143]))
    house.rental_status = "rented" if rng.random() < 0.2 else "self_occupied"
    db.add(house)
    db.flush()
    members = []
    for i in range(rng.randint(1, 4)):
        birth = dt.date(rng.randint(1945, 2015), rng.randint(1, 12), rng.randint(1, 28))
        seq = (n + i) * 2 + (1 if rng.random() < 0.5 else 0)
        p = Person(
            id_type="resident_id",
            id_number=make_id_number("340104", birth, seq),
            name=rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.randint(1, 2))),
            gender="male" if seq % 2 else "female",
            birth_date=birth,
            ethnicity="汉族",
            phone=f"13{rng.randint(0, 9)}{rng.randint(10000000, 99999999)}",
            population_type="floating" if house.rental_status == "rented" else "registered",
            special_categories=["elderly_alone"] if birth.year < 1950 and i == 0 else [],
        )
        db.add(p)
        db.flush()
        relation = ("tenant" if house.rental_status == "rented" else "owner") if i == 0 else "family"
        db.add(
            Residency(person_id=p.id, house_id=house.id, relation=relation, start_date=dt.date(2020, 1, 1))
        )
        members.append(p)
    return members


def _vehicles(db: Session, people: list[Person], rng: random.Random) -> None:
    letters = "ABCDEFGHJKLMNPQRSTUVWXYZ"
    for p in people[::3]:
        res = db.execute(select(Residency).where(Residency.person_id == p.id)).scalar_one()
        plate = PROVINCE_PLATE + "A" + rng.choice(letters) + "".join(str(rng.randint(0, 9)) for _ in range(4))
        db.add(Vehicle(plate=plate, owner_id=p.id, house_id=res.house_id, pass_type="resident"))


def _devices(db: Session, community: Address) -> None:
    specs = [
        ("DOOR-1-1-0001", "door", "1栋1单元门禁"),
        ("DOOR-2-1-0002", "door", "2栋1单元门禁"),
        ("GATE-N-0001", "gate", "北门车闸"),
        ("LPR-N-0001", "lpr_camera", "北门车牌识别相机"),
        ("PERI-HOST-01", "sensor_host", "周界报警主机"),
    ]
    for i, (serial, kind, name) in enumerate(specs):
        db.add(
            Device(
                serial=serial, kind=kind, name=name, address_id=community.id, map_x=10.0 + 15 * i, map_y=20.0
            )
        )


def demo_user_exists(db: Session) -> bool:
    return db.execute(select(User.id).where(User.username == "admin")).first() is not None
