"""A console database prepared for the face doors: photos on a resident, doors placed, a blacklist entry."""

from __future__ import annotations

import datetime as dt
import hashlib
import uuid
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select, update

from property_console.models import Address, Device, House, Person, PersonPhoto, Residency, User, utcnow
from property_console.models.access import BlacklistEntry
from property_console.runtime import Runtime
from property_console.schemas.user import UserCreate
from property_console.security.roles import Role
from property_console.services.users import create_user

EDGE_USER, EDGE_PASSWORD = "door-edge", "Edge@2026pass"


@dataclass(frozen=True)
class Community:
    """Ids the tests need."""

    resident: uuid.UUID  # the demo `resident` user's person, photos of Al_Gore
    residency: uuid.UUID
    blacklisted: uuid.UUID  # a non-resident with photos of Amelia_Vega
    own_door: str  # in the resident's building
    other_door: str  # in building 2
    own_door_code: str


def add_photos(db: object, person_id: uuid.UUID, folder: Path) -> None:
    """Store every JPEG of a folder as PersonPhoto rows."""
    for path in sorted(folder.glob("*.jpg")):
        data = path.read_bytes()
        sha = hashlib.sha256(data).hexdigest()
        db.add(PersonPhoto(person_id=person_id, content_type="image/jpeg", sha256=sha, data=data))  # type: ignore[attr-defined]


def prepare(runtime: Runtime, data_dir: Path) -> Community:
    """Photos, door addresses, a blacklisted person and a door-role user for the edge."""
    with runtime.sessions.begin() as db:
        user = db.execute(select(User).where(User.username == "resident")).scalar_one()
        assert user.person_id is not None
        residency = (
            db.execute(select(Residency).where(Residency.person_id == user.person_id)).scalars().first()
        )
        assert residency is not None
        house = db.get(House, residency.house_id)
        assert house is not None
        room = db.get(Address, house.address_id)
        assert room is not None
        building = room
        while building.level != "building":
            parent = db.get(Address, building.parent_id)
            assert parent is not None
            building = parent
        other = (
            db.execute(select(Address).where(Address.level == "building", Address.id != building.id))
            .scalars()
            .first()
        )
        assert other is not None
        own = db.execute(select(Device).where(Device.serial == "DOOR-1-1-0001")).scalar_one()
        far = db.execute(select(Device).where(Device.serial == "DOOR-2-1-0002")).scalar_one()
        own.address_id, far.address_id = building.id, other.id
        add_photos(db, user.person_id, data_dir / "people" / "Al_Gore")
        bad = Person(id_type="passport", id_number="E12345678", name="黑名单甲", gender="female")
        db.add(bad)
        db.flush()
        add_photos(db, bad.id, data_dir / "people" / "Amelia_Vega")
        db.add(BlacklistEntry(person_id=bad.id, reason="测试", created_by="staff"))
        create_user(
            db,
            UserCreate(username=EDGE_USER, display_name="门禁边缘", role=Role.DOOR, password=EDGE_PASSWORD),
        )
        db.flush()
        an_hour_ago = utcnow() - dt.timedelta(hours=1)  # an established community: nothing changed just now
        for model in (Person, Residency, PersonPhoto, BlacklistEntry):
            db.execute(
                update(model).values(updated_at=an_hour_ago).execution_options(synchronize_session=False)
            )
        return Community(user.person_id, residency.id, bad.id, own.serial, far.serial, building.code)


def end_residency(runtime: Runtime, residency_id: uuid.UUID) -> None:
    """The resident moved out yesterday."""
    with runtime.sessions.begin() as db:
        residency = db.get(Residency, residency_id)
        assert residency is not None
        residency.end_date = dt.date.today() - dt.timedelta(days=1)
