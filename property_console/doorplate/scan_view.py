"""What a scan of an address plate shows to each role: public facts to anyone, records by permission."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from property_console.doorplate.places import contact, current_residencies, house_of, lineage, residency_of
from property_console.models import Address, House, Person, Residency, Vehicle
from property_console.models.doorplate import InspectionNote, PatrolCheckpoint, PatrolScan, Registration
from property_console.security.roles import ROLE_NAMES_ZH, Role, allowed
from property_console.security.views import apply_view
from property_console.services.auth import Principal

REGISTER_HELP = (
    "居住在本房屋的住户，请点击“住户登录”，用手机号和短信验证码登录后登记本人或家庭成员；"
    "登记经物业或房主确认后生效。租户由房主登记。如有疑问请联系物业或社区民警。"
)

ACTIONS = (
    ("confirm", "doorplate:confirm"),
    ("verify", "doorplate:verify"),
    ("inspect", "doorplate:inspect"),
    ("flag", "doorplate:flag"),
)


def _person(role: str, p: Person) -> dict[str, Any]:
    data = {
        "id": str(p.id),
        "name": p.name,
        "gender": p.gender,
        "id_type": p.id_type,
        "id_number": p.id_number,
        "phone": p.phone,
        "birth_date": p.birth_date.isoformat() if p.birth_date else None,
        "population_type": p.population_type,
        "special_categories": list(p.special_categories or []),
    }
    return apply_view("person", role, data)


def _member(role: str, r: Residency) -> dict[str, Any]:
    return {
        "residency_id": str(r.id),
        "relation": r.relation,
        "start_date": r.start_date.isoformat(),
        "person": _person(role, r.person),
    }


def _registration(role: str, g: Registration) -> dict[str, Any]:
    shown = apply_view("person", role, {"id_number": g.id_number, "phone": g.phone})
    return {
        "id": str(g.id),
        "kind": g.kind,
        "status": g.status,
        "name": g.name,
        "relation": g.relation,
        "id_number": shown.get("id_number"),
        "phone": shown.get("phone"),
        "start_date": g.start_date.isoformat() if g.start_date else None,
        "end_date": g.end_date.isoformat() if g.end_date else None,
        "submitted_by": g.submitted_by,
        "verified_by": g.verified_by,
        "has_photo": g.photo is not None,
        "created_at": g.created_at.isoformat() if g.created_at else None,
    }


def _pending(db: Session, house: House, role: str, by: str | None = None) -> list[dict[str, Any]]:
    stmt = select(Registration).where(Registration.house_id == house.id)
    stmt = (
        stmt.where(Registration.status == "pending")
        if by is None
        else stmt.where(Registration.submitted_by == by)
    )
    rows = db.execute(stmt.order_by(Registration.created_at)).scalars()
    return [_registration(role, g) for g in rows]


def _vehicles(db: Session, house: House) -> list[dict[str, Any]]:
    rows = db.execute(select(Vehicle).where(Vehicle.house_id == house.id).order_by(Vehicle.plate)).scalars()
    return [{"plate": v.plate, "plate_color": v.plate_color, "pass_type": v.pass_type} for v in rows]


def _notes(db: Session, house: House) -> list[dict[str, Any]]:
    stmt = select(InspectionNote).where(InspectionNote.house_id == house.id)
    rows = db.execute(stmt.order_by(InspectionNote.created_at.desc()).limit(20)).scalars()
    return [
        {"author": n.author, "role": n.role, "text": n.text, "at": n.created_at.isoformat()} for n in rows
    ]


def _patrol_history(db: Session, address: Address) -> list[dict[str, Any]]:
    ids = [a.id for a in lineage(db, address)]
    codes = list(
        db.execute(select(PatrolCheckpoint.code).where(PatrolCheckpoint.address_id.in_(ids))).scalars()
    )
    if not codes:
        return []
    stmt = select(PatrolScan).where(PatrolScan.checkpoint.in_(codes)).order_by(PatrolScan.scanned_at.desc())
    rows = db.execute(stmt.limit(20)).scalars()
    return [{"checkpoint": s.checkpoint, "guard": s.guard, "at": s.scanned_at.isoformat()} for s in rows]


def public_view(db: Session, address: Address) -> dict[str, Any]:
    """What anyone may see: the address, who to call, how to register. No personal data."""
    return {
        "kind": "address",
        "address": {
            "code": address.code,
            "name": address.name,
            "full_name": address.full_name,
            "level": address.level,
        },
        "contact": contact(db, address),
        "register_help": REGISTER_HELP,
        "viewer": None,
        "sections": ["address", "contact", "help"],
        "actions": [],
    }


def scan_view(db: Session, address: Address, who: Principal | None, today: dt.date) -> dict[str, Any]:
    """The public view plus the sections the caller's role allows; `person_ids` lists persons shown."""
    view = public_view(db, address)
    if who is None:
        return view
    role = who.role
    view["viewer"] = {"username": who.username, "role": role, "role_zh": ROLE_NAMES_ZH.get(Role(role), role)}
    house = house_of(db, address)
    sections: list[str] = view["sections"]
    shown: list[str] = []
    if house is None:
        view["person_ids"] = shown
        return view
    view["house"] = {"id": str(house.id), "flagged": house.flagged}
    members = current_residencies(db, house.id, today)
    if role == Role.RESIDENT:
        mine = residency_of(db, who.person_id, house.id, today)
        view["me"] = {
            "lives_here": mine is not None,
            "relation": mine.relation if mine else None,
            "is_owner": mine is not None and mine.relation == "owner",
            "person_id": str(who.person_id) if who.person_id else None,
        }
        view["my_registrations"] = _pending(db, house, role, by=who.username)
        sections += ["register", "my_registrations"]
        if mine is not None:
            view["household"] = [_member(role, r) for r in members]
            sections.append("household")
            if mine.relation == "owner":
                view["pending"] = _pending(db, house, role)
                sections.append("pending")
    elif allowed(role, "doorplate:view"):
        view["actions"] = [a for a, perm in ACTIONS if allowed(role, perm)]
        view["household"] = [_member(role, r) for r in members]
        view["pending"] = _pending(db, house, role)
        sections += ["household", "pending"]
        if role != Role.GRID_WORKER:
            view["vehicles"] = _vehicles(db, house)
            sections.append("vehicles")
        if allowed(role, "doorplate:inspect") or allowed(role, "doorplate:full"):
            view["notes"] = _notes(db, house)
            sections.append("notes")
        if allowed(role, "doorplate:full"):
            view["house"] |= {
                "use": house.use,
                "ownership": house.ownership,
                "rental_status": house.rental_status,
            }
            view["owners"] = [r.person.name for r in members if r.relation == "owner"]
            view["patrol_history"] = _patrol_history(db, address)
            sections += ["ownership", "categories", "patrol_history"]
    shown = [m["person"]["id"] for m in view.get("household", [])]
    view["person_ids"] = shown
    return view
