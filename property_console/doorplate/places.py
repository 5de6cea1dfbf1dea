"""Addresses, houses and households as the scan page needs them: contact lookup, current residents."""

from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from property_console.errors import DomainError, NotFound
from property_console.models import Address, House, Residency


def address_by_code(db: Session, code: str) -> Address:
    """The standard address a genuine code names (a deleted address is reported like an unknown one)."""
    found = db.execute(select(Address).where(Address.code == code)).scalar_one_or_none()
    if found is None:
        raise NotFound.one("doorplate.address", "门牌对应的地址不存在", "Address not found", "token")
    return found


def lineage(db: Session, address: Address) -> list[Address]:
    """The address and its ancestors, nearest first."""
    out, seen = [address], {address.id}
    while out[-1].parent_id is not None and out[-1].parent_id not in seen:
        parent = db.get(Address, out[-1].parent_id)
        if parent is None:
            break
        out.append(parent)
        seen.add(parent.id)
    return out


def contact(db: Session, address: Address) -> dict[str, str | None]:
    """Police station and community officer of the address or its nearest ancestor that names one."""
    for a in lineage(db, address):
        if a.police_station or a.officer_name or a.officer_phone:
            return {
                "police_station": a.police_station,
                "officer_name": a.officer_name,
                "officer_phone": a.officer_phone,
            }
    return {"police_station": None, "officer_name": None, "officer_phone": None}


def house_of(db: Session, address: Address) -> House | None:
    return db.execute(select(House).where(House.address_id == address.id)).scalar_one_or_none()


def house_or_error(db: Session, address: Address) -> House:
    house = house_of(db, address)
    if house is None:
        raise DomainError.one(
            "doorplate.no_house", "该门牌不是房屋门牌，无法登记居住", "This plate is not a house", "token"
        )
    return house


def current_residencies(db: Session, house_id: uuid.UUID, today: dt.date) -> list[Residency]:
    stmt = (
        select(Residency)
        .where(
            Residency.house_id == house_id,
            Residency.start_date <= today,
            or_(Residency.end_date.is_(None), Residency.end_date > today),
        )
        .order_by(Residency.start_date, Residency.id)
    )
    return list(db.execute(stmt).unique().scalars())


def residency_of(
    db: Session, person_id: uuid.UUID | None, house_id: uuid.UUID, today: dt.date
) -> Residency | None:
    """The caller's current residency in this house, if any."""
    if person_id is None:
        return None
    return next((r for r in current_residencies(db, house_id, today) if r.person_id == person_id), None)
