"""Which houses a person currently lives in: the scope of what a resident may see."""

from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from property_console.models import Residency


def current_house_ids(db: Session, person_id: uuid.UUID | None, on: dt.date | None = None) -> list[uuid.UUID]:
    if person_id is None:
        return []
    on = on or dt.date.today()
    stmt = select(Residency.house_id).where(
        Residency.person_id == person_id,
        Residency.start_date <= on,
        or_(Residency.end_date.is_(None), Residency.end_date > on),
    )
    return list(db.execute(stmt).scalars().all())


def household_person_ids(
    db: Session, house_ids: list[uuid.UUID], on: dt.date | None = None
) -> list[uuid.UUID]:
    on = on or dt.date.today()
    stmt = select(Residency.person_id).where(
        Residency.house_id.in_(house_ids),
        Residency.start_date <= on,
        or_(Residency.end_date.is_(None), Residency.end_date > on),
    )
    return list(set(db.execute(stmt).scalars().all()))
