"""Small database helpers for the doorplate web tests."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select

from property_console.models import Address, AuditEntry, House, Person, Residency
from property_console.runtime import Runtime


def household(rt: Runtime, code: str) -> list[dict[str, Any]]:
    """Current residents of the house at this address code: name, ID, phone, relation."""
    with rt.sessions() as db:
        stmt = (
            select(Person, Residency)
            .join(Residency, Residency.person_id == Person.id)
            .join(House, House.id == Residency.house_id)
            .join(Address, Address.id == House.address_id)
            .where(Address.code == code, Residency.end_date.is_(None))
        )
        return [
            {
                "name": p.name,
                "id_number": p.id_number,
                "phone": p.phone,
                "relation": r.relation,
                "person_id": p.id,
            }
            for p, r in db.execute(stmt).unique()
        ]


def audit_entries(rt: Runtime, action: str, actor: str | None = None) -> list[AuditEntry]:
    with rt.sessions() as db:
        stmt = select(AuditEntry).where(AuditEntry.action == action)
        if actor is not None:
            stmt = stmt.where(AuditEntry.actor == actor)
        return list(db.execute(stmt).scalars())


def residencies_of(rt: Runtime, id_number: str) -> list[Residency]:
    with rt.sessions() as db:
        stmt = select(Residency).join(Person).where(Person.id_number == id_number)
        return list(db.execute(stmt).unique().scalars())


def id_number(birth: dt.date, seq: int, region: str = "340104") -> str:
    from property_console.validators.id_number import make_id_number

    return make_id_number(region, birth, seq)
