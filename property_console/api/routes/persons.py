"""Persons (实有人口): role-scoped listing, per-field views, every read audited, photos."""

from __future__ import annotations

import hashlib
import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, UploadFile
from sqlalchemy import select

from property_console.api.crud import apply_update, get_or_404, paginate, present
from property_console.api.deps import Ctx, allow
from property_console.api.routes.residencies import present_residency
from property_console.api.services import services_of
from property_console.errors import Conflict, NotFound
from property_console.models import Person, PersonPhoto, Residency
from property_console.schemas.common import Page, page_of
from property_console.schemas.person import (
    PersonCreate,
    PersonIdentity,
    PersonPublic,
    PersonUpdate,
    PersonView,
)
from property_console.schemas.residency import ResidencyPublic
from property_console.security.roles import Role
from property_console.services.household import current_house_ids, household_person_ids
from property_console.services.records import create_person, find_person
from property_console.services.uploads import read_image_upload

router = APIRouter(prefix="/api/persons", tags=["persons"])


def _present(ctx: Ctx, p: Person) -> dict[str, Any]:
    return present("person", ctx.who.role, PersonPublic, p)


def _resident_scope(ctx: Ctx) -> list[uuid.UUID] | None:
    """For residents, the persons of their own household; None for every other role."""
    if ctx.who.role != Role.RESIDENT:
        return None
    return household_person_ids(ctx.db, current_house_ids(ctx.db, ctx.who.person_id))


def _get_visible(ctx: Ctx, person_id: uuid.UUID) -> Person:
    scope = _resident_scope(ctx)
    if scope is not None and person_id not in scope:
        raise NotFound.one("not_found", "人员不存在", "Person not found", "id")
    return get_or_404(ctx.db, Person, person_id, "人员")


@router.get("", response_model=Page[PersonView], response_model_exclude_unset=True)
def list_persons(
    ctx: Annotated[Ctx, allow("persons:read")],
    q: Annotated[str | None, Query(max_length=64, description="name contains")] = None,
    id_number: Annotated[str | None, Query(max_length=32)] = None,
    phone: Annotated[str | None, Query(max_length=24)] = None,
    population_type: str | None = None,
    house_id: uuid.UUID | None = None,
    page: Annotated[int, Query(ge=1)] = 1,
    page_size: Annotated[int, Query(ge=1, le=200)] = 50,
) -> Any:
    stmt = select(Person).order_by(Person.name, Person.id)
    scope = _resident_scope(ctx)
    if scope is not None:
        stmt = stmt.where(Person.id.in_(scope))
    if q:
        stmt = stmt.where(Person.name.contains(q))
    if id_number:
        stmt = stmt.where(Person.id_number == id_number.strip().upper())
    if phone:
        stmt = stmt.where(Person.phone == phone.strip())
    if population_type:
        stmt = stmt.where(Person.population_type == population_type)
    if house_id:
        stmt = stmt.where(Person.id.in_(household_person_ids(ctx.db, [house_id])))
    rows, total = paginate(ctx.db, stmt, page, page_size)
    filters = {k: v for k, v in {"q": q, "id_number": id_number, "phone": phone}.items() if v}
    ctx.audit("read", "person", [p.id for p in rows], {"filters": filters})
    return page_of([_present(ctx, p) for p in rows], total, page, page_size)


@router.post("", status_code=201, response_model=PersonView, response_model_exclude_unset=True)
def create(body: PersonCreate, ctx: Annotated[Ctx, allow("persons:write")]) -> Any:
    person = create_person(ctx.db, body)
    ctx.audit("create", "person", [person.id])
    return _present(ctx, person)


@router.get("/{person_id}", response_model=PersonView, response_model_exclude_unset=True)
def read(person_id: uuid.UUID, ctx: Annotated[Ctx, allow("persons:read")]) -> Any:
    person = _get_visible(ctx, person_id)
    ctx.audit("read", "person", [person.id])
    return _present(ctx, person)


@router.patch("/{person_id}", response_model=PersonView, response_model_exclude_unset=True)
def update(person_id: uuid.UUID, body: PersonUpdate, ctx: Annotated[Ctx, allow("persons:write")]) -> Any:
    person = get_or_404(ctx.db, Person, person_id, "人员")
    if body.id_type is not None or body.id_number is not None:
        identity = PersonIdentity.model_validate(
            {"id_type": body.id_type or person.id_type, "id_number": body.id_number or person.id_number}
        )
        other = find_person(ctx.db, identity.id_type, identity.id_number)
        if other is not None and other.id != person.id:
            raise Conflict.one(
                "person.duplicate", "该证件号码的人员已登记", "A person with this ID exists", "id_number"
            )
        body = body.model_copy(update={"id_type": identity.id_type, "id_number": identity.id_number})
        person.birth_date, person.gender = identity.birth_date, identity.gender or person.gender
    changed = apply_update(person, body)
    ctx.audit("update", "person", [person.id], {"fields": sorted(changed)})
    return _present(ctx, person)


@router.get("/{person_id}/residencies", response_model=list[ResidencyPublic])
def history(person_id: uuid.UUID, ctx: Annotated[Ctx, allow("residencies:read")]) -> Any:
    _get_visible(ctx, person_id)
    stmt = select(Residency).where(Residency.person_id == person_id).order_by(Residency.start_date.desc())
    out = [present_residency(ctx.who.role, r) for r in ctx.db.execute(stmt).scalars()]
    ctx.audit("read", "residency", [r["id"] for r in out], {"person_id": str(person_id)})
    return out


@router.post("/{person_id}/photos", status_code=201)
async def add_photo(
    person_id: uuid.UUID, file: UploadFile, request: Request, ctx: Annotated[Ctx, allow("persons:write")]
) -> dict[str, Any]:
    """Store a JPEG/PNG photo (size-limited, must decode as an image)."""
    person = get_or_404(ctx.db, Person, person_id, "人员")
    data, content_type = await read_image_upload(file, services_of(request.app).settings.max_upload_bytes)
    digest = hashlib.sha256(data).hexdigest()
    photo = PersonPhoto(person_id=person.id, content_type=content_type, sha256=digest, data=data)
    ctx.db.add(photo)
    ctx.db.flush()
    ctx.audit("create", "person_photo", [photo.id], {"person_id": str(person.id), "bytes": len(data)})
    return {"id": str(photo.id), "sha256": digest, "bytes": len(data)}
