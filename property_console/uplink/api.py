"""Console routes: uplink status (backlog, lag), delivery report, and a locally requested full resync."""

from __future__ import annotations

import hashlib
import hmac
import json
from typing import Annotated, Any

from fastapi import APIRouter, Request, Response
from sqlalchemy.orm import Session

from property_console.api.deps import Ctx, allow, public
from property_console.api.services import services_of
from property_console.errors import DomainError, Unauthorized
from property_console.models import Alarm, utcnow
from property_console.uplink import report
from property_console.uplink.resync import enqueue_resync

router = APIRouter(prefix="/api/uplink", tags=["uplink"])


def _worker(request: Request) -> Any:
    return services_of(request.app).uplink


@router.get("/status")
def uplink_status(request: Request, ctx: Annotated[Ctx, allow("uplink:read")]) -> dict[str, Any]:
    """上报状态 backlog, lag and loop state."""
    return report.status(ctx.db, _worker(request))


@router.get("/report")
def uplink_report(ctx: Annotated[Ctx, allow("uplink:read")], limit: int = 50) -> dict[str, Any]:
    """上报报告: what was sent when, what is pending or rejected."""
    ctx.audit("read", "uplink_report", detail={"limit": limit})
    return report.report(ctx.db, min(max(limit, 1), 500))


@router.post("/resync")
def uplink_resync(ctx: Annotated[Ctx, allow("uplink:write")]) -> dict[str, Any]:
    """全量重传 queue every 一标三实 record again."""
    n = enqueue_resync(ctx.db)
    ctx.audit("resync", "uplink", detail={"queued": n})
    return {"queued": n}


@router.post("/warnings", status_code=204)
async def watchlist_warning(request: Request, _db: Annotated[Session, public()]) -> Response:
    """布控预警 webhook from the district: verified by HMAC (the uplink password), raised as a console alarm."""
    worker = _worker(request)
    body = await request.body()
    secret = worker.settings.password.encode() if worker is not None else b""
    given = request.headers.get("x-sc-signature", "")
    if not secret or not hmac.compare_digest(hmac.new(secret, body, hashlib.sha256).hexdigest(), given):
        raise Unauthorized.one("uplink.signature", "签名无效", "Bad signature")
    try:
        hit = json.loads(body)
        message = str(hit["message_zh"])[:255]
    except (ValueError, KeyError, TypeError):
        raise DomainError.one("uplink.warning", "预警格式错误", "Malformed warning") from None
    _db.add(
        Alarm(
            kind="watchlist_hit",
            severity="high",
            source=str(hit.get("device_id", "district"))[:64],
            message_zh=message,
            message_en=f"Watch-list hit: {hit.get('kind')} {hit.get('value')}"[:255],
            detail=hit,
            raised_at=utcnow(),
        )
    )
    return Response(status_code=204)
