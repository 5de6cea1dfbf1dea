"""Rows for Excel export, with labels for codes and the caller's per-field view (masked ID numbers etc.)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from property_console.excel.labels import to_label
from property_console.excel.sheets import SHEETS
from property_console.models import House, Person, Residency, Vehicle
from property_console.security.views import apply_view


def _person_view(role: str, p: Person) -> dict[str, Any]:
    fields = {c.key: getattr(p, c.key) for c in Person.__mapper__.column_attrs}
    return apply_view("person", role, fields)


def _cells(kind: str, values: dict[str, Any]) -> list[object]:
    out: list[object] = []
    for col in SHEETS[kind]:
        v = values.get(col.field)
        if col.multi:
            out.append("、".join(to_label(col.field, x) for x in v or []))
        elif col.coded:
            out.append(to_label(col.field, v))
        else:
            out.append("" if v is None else str(v))
    return out


def export_rows(db: Session, kind: str, role: str) -> Iterator[list[object]]:
    """Yield one row per record in the column order of the import template."""
    if kind == "persons":
        for p in db.execute(select(Person).order_by(Person.name)).scalars():
            yield _cells(kind, _person_view(role, p))
    elif kind == "houses":
        for h in db.execute(select(House)).scalars():
            yield _cells(
                kind,
                {
                    "address_code": h.address.code,
                    **{c.key: getattr(h, c.key) for c in House.__mapper__.column_attrs},
                },
            )
    elif kind == "residencies":
        stmt = select(Residency).options(joinedload(Residency.person), joinedload(Residency.house))
        for r in db.execute(stmt).unique().scalars():
            view = _person_view(role, r.person)
            yield _cells(
                kind,
                {
                    "id_type": r.person.id_type,
                    "id_number": view.get("id_number"),
                    "address_code": r.house.address.code,
                    "relation": r.relation,
                    "start_date": r.start_date,
                    "end_date": r.end_date,
                },
            )
    elif kind == "vehicles":
        for v in db.execute(select(Vehicle).order_by(Vehicle.plate)).scalars():
            owner = db.get(Person, v.owner_id) if v.owner_id else None
            house = db.get(House, v.house_id) if v.house_id else None
            values = {c.key: getattr(v, c.key) for c in Vehicle.__mapper__.column_attrs}
            values["owner_id_number"] = _person_view(role, owner).get("id_number") if owner else None
            values["address_code"] = house.address.code if house else None
            yield _cells(kind, values)
