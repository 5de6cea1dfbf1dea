"""Police queries (plain functions over a session; the routes add scope and audit)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import Select, and_, func, or_, select, tuple_
from sqlalchemy.orm import Session

from district_cloud import models as m
from district_cloud.models.base import utcnow
from district_cloud.viid import BEIJING

GENDER = {"1": "男", "2": "女", "0": "未知", "9": "未说明"}


def _in(stmt: Select[Any], col: Any, community: str | None) -> Select[Any]:
    return stmt.where(col == community) if community else stmt


def _residences(db: Session, keys: list[tuple[str, str]]) -> dict[tuple[str, str], list[dict[str, Any]]]:
    """Residencies (with house address) of the given (community, person record id) pairs."""
    if not keys:
        return {}
    r, h = m.Residency, m.House
    stmt = (
        select(r.community, r.person_id, r.relation, r.start_date, r.end_date, h.address, h.address_code)
        .join(h, and_(h.community == r.community, h.record_id == r.house_id), isouter=True)
        .where(tuple_(r.community, r.person_id).in_(keys), r.deleted.is_(False))  # one cached statement
    )
    out: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for c, pid, rel, start, end, addr, code in db.execute(stmt):
        out.setdefault((c, pid), []).append(
            {
                "relation": rel,
                "start_date": _d(start),
                "end_date": _d(end),
                "address": addr,
                "address_code": code,
            }
        )
    return out


def _d(v: dt.date | dt.datetime | None) -> str | None:
    """ISO text; naive datetimes (SQLite) are UTC."""
    if isinstance(v, dt.datetime) and v.tzinfo is None:
        v = v.replace(tzinfo=dt.UTC)
    return v.isoformat() if v else None


def utc(v: dt.datetime | None) -> dt.datetime | None:
    """A query bound in UTC; a naive one is taken as Beijing time (what the zh-CN page sends)."""
    if v is None:
        return None
    return (v if v.tzinfo else v.replace(tzinfo=BEIJING)).astimezone(dt.UTC)


def persons(
    db: Session,
    *,
    id_number: str = "",
    name: str = "",
    phone: str = "",
    community: str | None,
    limit: int = 50,
) -> list[dict[str, Any]]:
    """By exact ID number, exact phone, or name (exact, or prefix with a trailing *)."""
    p = m.Person
    stmt = select(p).where(p.deleted.is_(False))
    if id_number:
        stmt = stmt.where(p.id_number == id_number.strip().upper())
    if phone:
        stmt = stmt.where(p.phone == phone.strip())
    if name:
        n = name.strip()
        stmt = stmt.where(p.name.startswith(n[:-1], autoescape=True) if n.endswith("*") else p.name == n)
    if not (id_number or phone or name):
        return []
    rows = list(db.execute(_in(stmt, p.community, community).order_by(p.id).limit(limit)).scalars())
    homes = _residences(db, [(x.community, x.record_id) for x in rows])
    return [
        {
            "community": x.community,
            "person_id": x.record_id,
            "id_number": x.id_number,
            "name": x.name,
            "gender": GENDER.get(x.gender or "0", "未知"),
            "birth_date": _d(x.birth_date),
            "phone": x.phone,
            "population_type": x.population_type,
            "special_categories": x.special_categories,
            "residences": homes.get((x.community, x.record_id), []),
        }
        for x in rows
    ]


def houses(db: Session, *, address: str, community: str | None, limit: int = 50) -> list[dict[str, Any]]:
    """Houses whose standard address starts with `address` (or whose address code equals it)."""
    h = m.House
    a = address.strip()
    if not a:
        return []
    stmt = select(h).where(
        or_(h.address.startswith(a, autoescape=True), h.address_code == a), h.deleted.is_(False)
    )
    rows = list(db.execute(_in(stmt, h.community, community).order_by(h.address).limit(limit)).scalars())
    return [
        {
            "community": x.community,
            "house_id": x.record_id,
            "address": x.address,
            "address_code": x.address_code,
            "use": x.use,
            "rental_status": x.rental_status,
            "area": x.area,
            "flagged": x.flagged,
        }
        for x in rows
    ]


def residents(db: Session, *, address: str, community: str | None, limit: int = 200) -> list[dict[str, Any]]:
    """Everyone who lived at addresses starting with `address`, with from/to dates (history included)."""
    h, r, p = m.House, m.Residency, m.Person
    a = address.strip()
    if not a:
        return []
    stmt = (
        select(h.community, h.address, r.relation, r.start_date, r.end_date, p.name, p.id_number, p.phone)
        .join(r, and_(r.community == h.community, r.house_id == h.record_id))
        .join(p, and_(p.community == r.community, p.record_id == r.person_id), isouter=True)
        .where(or_(h.address.startswith(a, autoescape=True), h.address_code == a), r.deleted.is_(False))
        .order_by(h.address, r.start_date, r.id)
        .limit(limit)
    )
    stmt = _in(stmt, h.community, community)
    today = dt.date.today()
    return [
        {
            "community": c,
            "address": ad,
            "relation": rel,
            "start_date": _d(s),
            "end_date": _d(e),
            "name": n,
            "id_number": i,
            "phone": ph,
            "current": s <= today and (e is None or e > today),
        }
        for c, ad, rel, s, e, n, i, ph in db.execute(stmt)
    ]


def trajectory(
    db: Session,
    *,
    plate: str,
    since: dt.datetime | None,
    until: dt.datetime | None,
    community: str | None,
    limit: int = 500,
) -> list[dict[str, Any]]:
    """Passes of one plate across all communities, in time order."""
    v = m.VehiclePass
    since, until = utc(since), utc(until)
    stmt = select(v).where(v.plate == plate.strip().upper())
    if since:
        stmt = stmt.where(v.pass_time >= since)
    if until:
        stmt = stmt.where(v.pass_time < until)
    rows = db.execute(_in(stmt, v.community, community).order_by(v.pass_time).limit(limit)).scalars()
    return [
        {
            "community": x.community,
            "pass_time": _d(x.pass_time),
            "device_id": x.device_id,
            "direction": x.direction,
            "decision": x.decision,
            "location": x.location,
            "images": x.images,
        }
        for x in rows
    ]


def person_passes(
    db: Session, *, id_number: str, community: str | None, limit: int = 200
) -> list[dict[str, Any]]:
    p = m.PersonPass
    stmt = select(p).where(p.id_number == id_number.strip().upper()).order_by(p.shot_time.desc()).limit(limit)
    return [
        {
            "community": x.community,
            "kind": x.kind,
            "shot_time": _d(x.shot_time),
            "device_id": x.device_id,
            "name": x.name,
            "decision": x.decision,
            "similarity": x.similarity,
            "images": x.images,
        }
        for x in db.execute(_in(stmt, p.community, community)).scalars()
    ]


def alarms(
    db: Session,
    *,
    community: str | None,
    since: dt.datetime | None,
    until: dt.datetime | None,
    limit: int = 200,
) -> list[dict[str, Any]]:
    a = m.Alarm
    since, until = utc(since), utc(until)
    stmt = select(a).where(a.deleted.is_(False))
    if since:
        stmt = stmt.where(a.raised_at >= since)
    if until:
        stmt = stmt.where(a.raised_at < until)
    rows = db.execute(_in(stmt, a.community, community).order_by(a.raised_at.desc()).limit(limit)).scalars()
    return [
        {
            "community": x.community,
            "alarm_id": x.record_id,
            "kind": x.kind,
            "severity": x.severity,
            "message": x.message,
            "status": x.status,
            "raised_at": _d(x.raised_at),
            "disposition": x.disposition,
            "handled_by": x.handled_by,
            "handled_at": _d(x.handled_at),
            "version": x.version,
        }
        for x in rows
    ]


def freshness(db: Session, community: str | None) -> list[dict[str, Any]]:
    """Per community: last contact, last data, objects received, lag since the last data."""
    now = utcnow()
    stmt = _in(select(m.Community).order_by(m.Community.code), m.Community.code, community)
    out = []
    for c in db.execute(stmt).scalars():
        last = (
            c.last_data_at.replace(tzinfo=dt.UTC)
            if c.last_data_at and c.last_data_at.tzinfo is None
            else c.last_data_at
        )
        out.append(
            {
                "community": c.code,
                "name": c.name,
                "registered": c.registered,
                "last_seen_at": _d(c.last_seen_at),
                "last_data_at": _d(c.last_data_at),
                "objects_received": c.objects_received,
                "seconds_since_data": round((now - last).total_seconds(), 1) if last else None,
                "resync_pending": c.resync_token is not None,
                "resync_done_at": _d(c.resync_done_at),
            }
        )
    return out


def counts(db: Session) -> dict[str, int]:
    return {
        name: int(db.execute(select(func.count()).select_from(model)).scalar_one())
        for name, model in (("persons", m.Person), ("houses", m.House), ("vehicle_passes", m.VehiclePass))
    }
