"""The scan page at /d/{token} and /D/{token} (the QR URL is upper case) and its JSON twin."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response
from fastapi.templating import Jinja2Templates
from sqlalchemy import select
from sqlalchemy.orm import Session

from property_console.api.deps import public
from property_console.api.services import services_of
from property_console.doorplate.context import caller, now, record, verifier
from property_console.doorplate.labels import label
from property_console.doorplate.patrol_service import local_date
from property_console.doorplate.places import address_by_code
from property_console.doorplate.scan_view import scan_view
from property_console.errors import NotFound
from property_console.models.doorplate import PatrolCheckpoint, PatrolScan
from property_console.security.roles import ROLE_NAMES_ZH, Role, allowed
from property_console.services.auth import Principal
from qr_doorplate.refusal import Reason, Refused
from qr_doorplate.token import Claims, Kind

TEMPLATES = Jinja2Templates(directory=Path(__file__).resolve().parent.parent / "web" / "templates" / "scan")
TEMPLATES.env.globals["label"] = label
GONE = (Reason.REVOKED, Reason.RETIRED_KEY)
NO_STORE = {"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"}
router = APIRouter(include_in_schema=False)
api = APIRouter(prefix="/api/doorplate", tags=["doorplate"])


def _checkpoint_view(request: Request, db: Session, claims: Claims, who: Principal | None) -> dict[str, Any]:
    point = db.execute(
        select(PatrolCheckpoint).where(PatrolCheckpoint.code == claims.code)
    ).scalar_one_or_none()
    view: dict[str, Any] = {
        "kind": "checkpoint",
        "checkpoint": {"code": claims.code, "name": point.name if point else claims.code},
        "viewer": None,
        "recorded": None,
    }
    if who is None:
        return view
    view["viewer"] = {"username": who.username, "role": who.role, "role_zh": ROLE_NAMES_ZH[Role(who.role)]}
    if allowed(who.role, "patrol:scan"):
        at = now(request)
        scan = PatrolScan(checkpoint=claims.code, guard=who.username, scanned_at=at, code_id=claims.code_id)
        db.add(scan)
        db.flush()
        view["recorded"] = {"at": at.isoformat(), "guard": who.username}
        record(db, who, request, "patrol_scan", "patrol_checkpoint", [scan.id], {"checkpoint": claims.code})
    else:
        record(db, who, request, "scan", "patrol_checkpoint", [], {"checkpoint": claims.code})
    return view


def resolve(request: Request, db: Session, token: str) -> dict[str, Any]:
    """Verify the code and build the caller's view; raises Refused or NotFound."""
    who = caller(request, db)
    try:
        claims = verifier(request).verify(token)
    except Refused as refused:
        if who is not None:
            record(db, who, request, "scan_refused", "doorplate", [], {"reason": refused.reason.value})
        raise
    if claims.kind is Kind.CHECKPOINT:
        return _checkpoint_view(request, db, claims, who)
    address = address_by_code(db, claims.code)
    today = local_date(now(request), services_of(request.app).settings.timezone)
    view = scan_view(db, address, who, today)
    if who is not None:
        detail = {"code_id": claims.code_id, "sections": view["sections"]}
        record(db, who, request, "scan", "address", [address.id], detail)
        if view["person_ids"]:
            record(db, who, request, "read", "person", view["person_ids"], {"via": "doorplate scan"})
    view["token"] = token
    return view


def _refused_body(reason: str, zh: str, en: str) -> dict[str, Any]:
    return {"errors": [{"field": "token", "code": reason, "message_zh": zh, "message_en": en}]}


def _page(request: Request, db: Session, token: str) -> Response:
    try:
        view = resolve(request, db, token)
    except Refused as refused:
        status = 410 if refused.reason in GONE else 400
        why = {"reason": refused.reason.value, "message": refused.message_zh}
        return TEMPLATES.TemplateResponse(request, "refused.html", why, status_code=status, headers=NO_STORE)
    except NotFound:
        gone = {"reason": "unknown_address", "message": "门牌对应的地址已不存在，请联系物业"}
        return TEMPLATES.TemplateResponse(request, "refused.html", gone, status_code=404, headers=NO_STORE)
    name = "checkpoint.html" if view["kind"] == "checkpoint" else "address.html"
    ctx: dict[str, Any] = {"v": view, "label": label, "here": request.url.path}
    return TEMPLATES.TemplateResponse(request, name, ctx, headers=NO_STORE)


@router.get("/d/{token}", response_class=HTMLResponse)
def scan_page(token: str, request: Request, db: Annotated[Session, public()]) -> Response:
    """Scan page: anyone sees the public facts; a logged-in role sees what it may."""
    return _page(request, db, token)


@router.get("/D/{token}", response_class=HTMLResponse)
def scan_page_upper(token: str, request: Request, db: Annotated[Session, public()]) -> Response:
    """The same page for the upper-case URL printed in the QR code."""
    return _page(request, db, token)


@api.get("/scan/{token}")
def scan_json(token: str, request: Request, db: Annotated[Session, public()]) -> Response:
    """The scan view as JSON (the same role rules as the page)."""
    try:
        view = resolve(request, db, token)
    except Refused as refused:
        status = 410 if refused.reason in GONE else 400
        body = _refused_body(refused.reason.value, refused.message_zh, refused.message_en)
        return JSONResponse(body, status_code=status, headers=NO_STORE)
    return JSONResponse(view, headers=NO_STORE)
