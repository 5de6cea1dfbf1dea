"""Edge sync for face doors: residents (residencies + photos), blacklist, visitor passes, doors; incremental."""

from __future__ import annotations

import base64
import datetime as dt
import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Query
from pydantic import Field
from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from access.passes import pass_key
from property_console.api.crud import get_or_404
from property_console.api.deps import Ctx, allow
from property_console.models import Address, Device, House, Person, PersonPhoto, Residency, utcnow
from property_console.models.access import BlacklistEntry, VisitorPass
from property_console.schemas.common import Schema

router = APIRouter(prefix="/api/access", tags=["access"])
OVERLAP = dt.timedelta(seconds=5)  # rows committed late by a concurrent transaction are sent again


def _utc(value: dt.datetime) -> dt.datetime:
    """Aware UTC (SQLite returns naive values; everything is stored as UTC)."""
    return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value.astimezone(dt.UTC)


def _changed_residents(db: Session, since: dt.datetime | None, today: dt.date) -> set[uuid.UUID]:
    """Persons with a residency whose person row, a residency or a photo changed since `since`."""
    if since is None:
        current = or_(Residency.end_date.is_(None), Residency.end_date > today)
        return set(db.execute(select(Residency.person_id).where(current)).scalars())
    residents = select(Residency.person_id)
    ids = set(db.execute(select(Residency.person_id).where(Residency.updated_at > since)).scalars())
    ids |= set(
        db.execute(select(Person.id).where(Person.updated_at > since, Person.id.in_(residents))).scalars()
    )
    photos = select(PersonPhoto.person_id).where(PersonPhoto.updated_at > since)
    ids |= set(db.execute(photos.where(PersonPhoto.person_id.in_(residents))).scalars())
    return ids


def _photos(db: Session, person_ids: set[uuid.UUID]) -> dict[uuid.UUID, list[dict[str, str]]]:
    """Every photo of these persons (sha256 + base64 JPEG/PNG); the edge embeds only the ones it lacks."""
    out: dict[uuid.UUID, list[dict[str, str]]] = {}
    stmt = select(PersonPhoto).where(PersonPhoto.person_id.in_(person_ids)).order_by(PersonPhoto.created_at)
    for photo in db.execute(stmt).scalars():
        item = {"sha256": photo.sha256, "data_b64": base64.b64encode(photo.data).decode()}
        out.setdefault(photo.person_id, []).append(item)
    return out


def _residents(db: Session, ids: set[uuid.UUID]) -> list[dict[str, Any]]:
    photos = _photos(db, ids)
    stmt = (
        select(Residency, Address.code)
        .join(House, House.id == Residency.house_id)
        .join(Address, Address.id == House.address_id)
        .where(Residency.person_id.in_(ids))
    )
    residencies: dict[uuid.UUID, list[dict[str, Any]]] = {}
    for r, code in db.execute(stmt).all():
        end = r.end_date.isoformat() if r.end_date else None
        residencies.setdefault(r.person_id, []).append(
            {"house_code": code, "start": r.start_date.isoformat(), "end": end}
        )
    persons = db.execute(select(Person).where(Person.id.in_(ids))).scalars()
    return [
        {
            "id": str(p.id),
            "name": p.name,
            "residencies": residencies.get(p.id, []),
            "photos": photos.get(p.id, []),
        }
        for p in persons
    ]


def _blacklist(db: Session, since: dt.datetime | None) -> list[dict[str, Any]]:
    stmt = select(BlacklistEntry, Person.name).join(Person, Person.id == BlacklistEntry.person_id)
    if since is None:
        stmt = stmt.where(BlacklistEntry.active.is_(True))
    else:
        photo_changed = select(PersonPhoto.person_id).where(PersonPhoto.updated_at > since)
        stmt = stmt.where(or_(BlacklistEntry.updated_at > since, BlacklistEntry.person_id.in_(photo_changed)))
    rows = db.execute(stmt).all()
    photos = _photos(db, {e.person_id for e, _ in rows})
    return [
        {
            "person_id": str(e.person_id),
            "name": name,
            "reason": e.reason,
            "active": e.active,
            "photos": photos.get(e.person_id, []),
        }
        for e, name in rows
    ]


def _passes(db: Session, since: dt.datetime | None, now: dt.datetime) -> list[dict[str, Any]]:
    stmt = select(VisitorPass).where(VisitorPass.valid_to > now)
    if since is None:
        stmt = stmt.where(VisitorPass.revoked_at.is_(None))
    else:
        stmt = stmt.where(VisitorPass.updated_at > since)
    return [
        {
            "id": str(v.id),
            "visitor_name": v.visitor_name,
            "doors": list(v.doors),
            "valid_from": _utc(v.valid_from).isoformat(),
            "valid_to": _utc(v.valid_to).isoformat(),
            "revoked": v.revoked_at is not None,
            "photo_b64": base64.b64encode(v.photo).decode() if v.photo else None,
        }
        for v in db.execute(stmt).scalars()
    ]


def _doors(db: Session) -> list[dict[str, Any]]:
    stmt = select(Device, Address.code).outerjoin(Address, Address.id == Device.address_id)
    rows = db.execute(stmt.where(Device.kind == "door")).all()
    return [{"serial": d.serial, "name": d.name, "address_code": code} for d, code in rows]


@router.get("/sync")
def sync(
    ctx: Annotated[Ctx, allow("access:sync")],
    since: Annotated[dt.datetime | None, Query(description="`next_since` of the previous answer")] = None,
) -> dict[str, Any]:
    """What face doors need to decide offline; pass `since` for only what changed (incremental by updated_at)."""
    now = utcnow()
    since_utc = _utc(since) if since is not None else None
    ids = _changed_residents(ctx.db, since_utc, now.date())
    answer = {
        "full": since is None,
        "next_since": (now - OVERLAP).isoformat(),
        "pass_key": pass_key(ctx.settings.secret_key).hex(),
        "doors": _doors(ctx.db),
        "residents": _residents(ctx.db, ids) if ids else [],
        "blacklist": _blacklist(ctx.db, since_utc),
        "passes": _passes(ctx.db, since_utc, now),
    }
    ctx.audit(
        "read", "access_sync", [], {"since": since.isoformat() if since else None, "residents": len(ids)}
    )
    return answer


class BlacklistCreate(Schema):
    person_id: uuid.UUID
    reason: Annotated[str, Field(min_length=1, max_length=200)]


@router.post("/blacklist", status_code=201)
def add_blacklist(body: BlacklistCreate, ctx: Annotated[Ctx, allow("access:blacklist")]) -> dict[str, Any]:
    """把人员加入门禁黑名单（其照片即为比对模板）。Doors refuse this person and raise an alarm."""
    get_or_404(ctx.db, Person, body.person_id, "人员")
    entry = BlacklistEntry(person_id=body.person_id, reason=body.reason, created_by=ctx.who.username)
    ctx.db.add(entry)
    ctx.db.flush()
    ctx.audit("create", "access_blacklist", [entry.id], {"person_id": str(body.person_id)})
    return {"id": str(entry.id), "person_id": str(body.person_id), "reason": body.reason, "active": True}


@router.delete("/blacklist/{entry_id}")
def remove_blacklist(entry_id: uuid.UUID, ctx: Annotated[Ctx, allow("access:blacklist")]) -> dict[str, Any]:
    """Deactivate an entry (kept for the record; doors drop it on their next sync)."""
    entry = get_or_404(ctx.db, BlacklistEntry, entry_id, "黑名单记录")
    entry.active = False
    ctx.audit("deactivate", "access_blacklist", [entry.id])
    return {"id": str(entry.id), "active": False}
