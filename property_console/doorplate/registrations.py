"""Residents' registrations from the scan page: pending until staff or the owner confirms, then applied
through services/records.py so the same validation as the console applies."""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import hashlib
import uuid
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from property_console.doorplate.places import current_residencies, residency_of
from property_console.doorplate.schemas import MoveIn, MoveOut, PhoneUpdate
from property_console.errors import Conflict, DomainError, Forbidden
from property_console.models import House, Person, PersonPhoto, Residency, User
from property_console.models.doorplate import Registration
from property_console.schemas.person import PersonCreate
from property_console.schemas.residency import ResidencyCreate
from property_console.security.roles import Role, allowed
from property_console.services.auth import Principal
from property_console.services.records import create_person, create_residency, end_residency, find_person

MAGIC = {"image/jpeg": b"\xff\xd8\xff", "image/png": b"\x89PNG\r\n\x1a\n"}


def _forbid(zh: str, en: str) -> DomainError:
    return Forbidden.one("doorplate.forbidden", zh, en)


def _photo(body: MoveIn) -> bytes | None:
    if not body.photo_base64:
        return None
    try:
        data = base64.b64decode(body.photo_base64, validate=True)
    except (binascii.Error, ValueError):
        data = b""
    kind = body.photo_type or "image/jpeg"
    if not data.startswith(MAGIC[kind]):
        raise DomainError.one(
            "photo.format", "照片格式无效，应为JPEG或PNG", "Photo must be JPEG or PNG", "photo"
        )
    return data


def is_owner(db: Session, who: Principal, house_id: uuid.UUID, today: dt.date) -> bool:
    mine = residency_of(db, who.person_id, house_id, today)
    return mine is not None and mine.relation == "owner"


def move_in(
    db: Session, who: Principal, house: House, body: MoveIn, now: dt.datetime, today: dt.date
) -> Registration:
    """Register someone as living here; an owner's own registration of family or tenants applies at once."""
    mine = residency_of(db, who.person_id, house.id, today)
    if body.for_self:
        me = db.get(Person, who.person_id) if who.person_id else None
        if me is not None and (me.id_type, me.id_number) != (body.id_type, body.id_number):
            raise DomainError.one(
                "doorplate.not_self",
                "证件号码与本人登记信息不一致",
                "ID differs from your own record",
                "id_number",
            )
    elif mine is None:
        raise _forbid("只有本房屋住户可以为他人登记", "Only residents of this house may register others")
    if body.relation == "tenant" and not body.for_self and mine is not None and mine.relation != "owner":
        raise _forbid("只有房主可以登记租户", "Only the owner may register tenants")
    clash = select(Registration.id).where(
        Registration.house_id == house.id,
        Registration.status == "pending",
        Registration.id_type == body.id_type,
        Registration.id_number == body.id_number,
    )
    if db.execute(clash).first():
        raise Conflict.one("registration.duplicate", "该人员已有待确认的登记", "Already pending", "id_number")
    reg = Registration(
        house_id=house.id,
        kind="move_in",
        submitted_by=who.username,
        for_self=body.for_self,
        id_type=body.id_type,
        id_number=body.id_number,
        name=body.name,
        phone=body.phone,
        relation=body.relation,
        start_date=body.start_date,
        note=body.note,
        photo=_photo(body),
        photo_type=body.photo_type or ("image/jpeg" if body.photo_base64 else None),
    )
    db.add(reg)
    db.flush()
    if mine is not None and mine.relation == "owner" and not body.for_self:
        apply(db, reg, who.username, now)
    return reg


def _household_residency(db: Session, house: House, residency_id: uuid.UUID, today: dt.date) -> Residency:
    res = next((r for r in current_residencies(db, house.id, today) if r.id == residency_id), None)
    if res is None:
        raise DomainError.one(
            "residency.not_here", "该居住记录不属于本房屋", "Not a residency here", "residency_id"
        )
    return res


def _may_act_for(db: Session, who: Principal, house: House, res: Residency, today: dt.date) -> bool:
    """Oneself always; family members if one lives here; tenants only as the owner."""
    mine = residency_of(db, who.person_id, house.id, today)
    if res.person_id == who.person_id:
        return True
    if mine is None:
        return False
    return mine.relation == "owner" or res.relation == "family"


def move_out(
    db: Session, who: Principal, house: House, body: MoveOut, now: dt.datetime, today: dt.date
) -> Registration:
    """Ask to end a residency; the owner ending a tenant's or family member's applies at once."""
    refusal = ("无权结束该人员的居住登记", "You may not end this residency")
    reg = _about_resident(
        db,
        who,
        house,
        body.residency_id,
        today,
        refusal,
        kind="move_out",
        end_date=body.end_date,
        note=body.note,
    )
    if is_owner(db, who, house.id, today) and reg.person_id != who.person_id:
        apply(db, reg, who.username, now)
    return reg


def update_phone(
    db: Session, who: Principal, house: House, body: PhoneUpdate, today: dt.date
) -> Registration:
    """Ask to change the contact phone of someone living here (pending like every change)."""
    refusal = ("无权修改该人员的信息", "You may not update this person")
    return _about_resident(db, who, house, body.residency_id, today, refusal, kind="update", phone=body.phone)


def _about_resident(
    db: Session,
    who: Principal,
    house: House,
    residency_id: uuid.UUID,
    today: dt.date,
    refusal: tuple[str, str],
    **fields: Any,
) -> Registration:
    """A request about someone living here (move-out, phone change), if the caller may act for them."""
    res = _household_residency(db, house, residency_id, today)
    if not _may_act_for(db, who, house, res, today):
        raise _forbid(*refusal)
    reg = Registration(
        house_id=house.id,
        submitted_by=who.username,
        for_self=res.person_id == who.person_id,
        residency_id=res.id,
        person_id=res.person_id,
        name=res.person.name,
        relation=res.relation,
        **fields,
    )
    db.add(reg)
    db.flush()
    return reg


def may_decide(db: Session, who: Principal, reg: Registration, today: dt.date) -> bool:
    """Staff decide any registration; a resident only as the current owner of the house."""
    if not allowed(who.role, "doorplate:confirm"):
        return False
    return who.role != Role.RESIDENT or is_owner(db, who, reg.house_id, today)


def _pending(reg: Registration) -> None:
    if reg.status != "pending":
        raise Conflict.one("registration.decided", "该登记已处理", "Registration already decided", "id")


def apply(db: Session, reg: Registration, by: str, now: dt.datetime) -> Registration:
    """Confirm: create the person (if new) and the residency, end one, or change a phone."""
    _pending(reg)
    if reg.kind == "move_in":
        _apply_move_in(db, reg)
    elif reg.kind == "move_out":
        res = db.get(Residency, reg.residency_id)
        assert res is not None and reg.end_date is not None
        end_residency(db, res, reg.end_date, reg.note or "住户扫码登记迁出")
    else:
        person = db.get(Person, reg.person_id)
        assert person is not None
        person.phone = reg.phone
    reg.status, reg.decided_by, reg.decided_at = "confirmed", by, now
    return reg


def _apply_move_in(db: Session, reg: Registration) -> None:
    assert reg.id_type and reg.id_number and reg.name and reg.relation and reg.start_date
    person = find_person(db, reg.id_type, reg.id_number)
    if person is None:
        body = PersonCreate(id_type=reg.id_type, id_number=reg.id_number, name=reg.name, phone=reg.phone)
        person = create_person(db, body)
    residency = create_residency(
        db,
        ResidencyCreate(
            person_id=person.id, house_id=reg.house_id, relation=reg.relation, start_date=reg.start_date
        ),
    )
    if reg.photo is not None and reg.photo_type:
        digest = hashlib.sha256(reg.photo).hexdigest()
        db.add(PersonPhoto(person_id=person.id, content_type=reg.photo_type, sha256=digest, data=reg.photo))
    if reg.for_self:
        user = db.execute(select(User).where(User.username == reg.submitted_by)).scalar_one_or_none()
        if user is not None and user.person_id is None:
            user.person_id = person.id
    reg.person_id, reg.residency_id = person.id, residency.id


def reject(reg: Registration, by: str, now: dt.datetime, note: str | None) -> Registration:
    _pending(reg)
    reg.status, reg.decided_by, reg.decided_at = "rejected", by, now
    if note:
        reg.note = note
    return reg


def verify(reg: Registration, by: str, now: dt.datetime) -> Registration:
    """A grid worker checked the registration on site (does not apply it)."""
    _pending(reg)
    reg.verified_by, reg.verified_at = by, now
    return reg
