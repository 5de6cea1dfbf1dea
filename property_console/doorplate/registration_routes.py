"""Registrations from the scan page, their confirmation, grid verification, inspection notes, flags."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Request

from property_console.api.deps import Ctx, allow
from property_console.api.services import services_of
from property_console.doorplate import registrations as regs
from property_console.doorplate.context import now, verifier
from property_console.doorplate.patrol_service import local_date
from property_console.doorplate.places import address_by_code, house_or_error
from property_console.doorplate.schemas import Decision, FlagSet, MoveIn, MoveOut, NoteCreate, PhoneUpdate
from property_console.errors import DomainError, Forbidden, NotFound
from property_console.models import House
from property_console.models.doorplate import InspectionNote, Registration
from qr_doorplate.refusal import Refused
from qr_doorplate.token import Kind

router = APIRouter(prefix="/api/doorplate", tags=["doorplate"])


def _house(request: Request, ctx: Ctx, token: str) -> House:
    try:
        claims = verifier(request).verify(token, expect=Kind.ADDRESS)
    except Refused as refused:
        raise DomainError.one(
            refused.reason.value, refused.message_zh, refused.message_en, "token", 400
        ) from None
    return house_or_error(ctx.db, address_by_code(ctx.db, claims.code))


def _out(reg: Registration) -> dict[str, Any]:
    return {
        "id": str(reg.id),
        "kind": reg.kind,
        "status": reg.status,
        "residency_id": str(reg.residency_id or ""),
    }


def _today(request: Request) -> Any:
    return local_date(now(request), services_of(request.app).settings.timezone)


@router.post("/registrations/move-in", status_code=201)
def move_in(
    body: MoveIn, request: Request, ctx: Annotated[Ctx, allow("doorplate:register")]
) -> dict[str, Any]:
    reg = regs.move_in(ctx.db, ctx.who, _house(request, ctx, body.token), body, now(request), _today(request))
    ctx.audit("create", "registration", [reg.id], {"kind": reg.kind, "status": reg.status})
    return _out(reg)


@router.post("/registrations/move-out", status_code=201)
def move_out(
    body: MoveOut, request: Request, ctx: Annotated[Ctx, allow("doorplate:register")]
) -> dict[str, Any]:
    reg = regs.move_out(
        ctx.db, ctx.who, _house(request, ctx, body.token), body, now(request), _today(request)
    )
    ctx.audit("create", "registration", [reg.id], {"kind": reg.kind, "status": reg.status})
    return _out(reg)


@router.post("/registrations/update-phone", status_code=201)
def update_phone(
    body: PhoneUpdate, request: Request, ctx: Annotated[Ctx, allow("doorplate:register")]
) -> dict[str, Any]:
    reg = regs.update_phone(ctx.db, ctx.who, _house(request, ctx, body.token), body, _today(request))
    ctx.audit("create", "registration", [reg.id], {"kind": reg.kind})
    return _out(reg)


def _registration(ctx: Ctx, reg_id: uuid.UUID) -> Registration:
    reg = ctx.db.get(Registration, reg_id)
    if reg is None:
        raise NotFound.one("not_found", "登记不存在", "Registration not found", "id")
    return reg


@router.post("/registrations/{reg_id}/confirm")
def confirm(
    reg_id: uuid.UUID, request: Request, ctx: Annotated[Ctx, allow("doorplate:confirm")]
) -> dict[str, Any]:
    """Staff, or the house's owner, confirm: the person and residency are created (or ended/updated)."""
    reg = _registration(ctx, reg_id)
    if not regs.may_decide(ctx.db, ctx.who, reg, _today(request)):
        raise Forbidden.one(
            "doorplate.forbidden", "只有物业或房主可以确认登记", "Only staff or the owner may confirm"
        )
    regs.apply(ctx.db, reg, ctx.who.username, now(request))
    ctx.audit(
        "confirm",
        "registration",
        [reg.id],
        {"person_id": str(reg.person_id), "residency_id": str(reg.residency_id)},
    )
    return _out(reg)


@router.post("/registrations/{reg_id}/reject")
def reject(
    reg_id: uuid.UUID, body: Decision, request: Request, ctx: Annotated[Ctx, allow("doorplate:confirm")]
) -> dict[str, Any]:
    reg = _registration(ctx, reg_id)
    if not regs.may_decide(ctx.db, ctx.who, reg, _today(request)):
        raise Forbidden.one(
            "doorplate.forbidden", "只有物业或房主可以驳回登记", "Only staff or the owner may reject"
        )
    regs.reject(reg, ctx.who.username, now(request), body.note)
    ctx.audit("reject", "registration", [reg.id])
    return _out(reg)


@router.post("/registrations/{reg_id}/verify")
def verify(
    reg_id: uuid.UUID, request: Request, ctx: Annotated[Ctx, allow("doorplate:verify")]
) -> dict[str, Any]:
    """A grid worker checked the registration on site."""
    reg = regs.verify(_registration(ctx, reg_id), ctx.who.username, now(request))
    ctx.audit("verify", "registration", [reg.id])
    return _out(reg) | {"verified_by": reg.verified_by}


def _house_by_id(ctx: Ctx, house_id: uuid.UUID) -> House:
    house = ctx.db.get(House, house_id)
    if house is None:
        raise NotFound.one("not_found", "房屋不存在", "House not found", "id")
    return house


@router.post("/houses/{house_id}/notes", status_code=201)
def add_note(
    house_id: uuid.UUID, body: NoteCreate, ctx: Annotated[Ctx, allow("doorplate:inspect")]
) -> dict[str, Any]:
    house = _house_by_id(ctx, house_id)
    note = InspectionNote(house_id=house.id, author=ctx.who.username, role=ctx.who.role, text=body.text)
    ctx.db.add(note)
    ctx.db.flush()
    ctx.audit("create", "inspection_note", [note.id], {"house_id": str(house.id)})
    return {"id": str(note.id), "text": note.text, "author": note.author}


@router.post("/houses/{house_id}/flag")
def flag(house_id: uuid.UUID, body: FlagSet, ctx: Annotated[Ctx, allow("doorplate:flag")]) -> dict[str, Any]:
    """Community police mark (or unmark) a house for attention."""
    house = _house_by_id(ctx, house_id)
    house.flagged = body.flagged
    ctx.audit("flag" if body.flagged else "unflag", "house", [house.id], {"reason": body.reason})
    return {"id": str(house.id), "flagged": house.flagged}
