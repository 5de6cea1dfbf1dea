"""Device events: ingest for edge devices (system role), listing, capture images and the live stream."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
from collections.abc import AsyncIterator
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response
from fastapi.responses import JSONResponse, StreamingResponse
from pydantic import BaseModel
from sqlalchemy import select
from starlette.concurrency import run_in_threadpool

from property_console.api.crud import paginate
from property_console.api.deps import Ctx, allow
from property_console.api.services import services_of
from property_console.errors import DomainError, FieldError, NotFound
from property_console.events import broadcaster_for, relay_for
from property_console.events.ingest import Outcome, ingest_many
from property_console.events.schemas import EventPublic
from property_console.models import Capture, Event, EventReject
from property_console.schemas.common import Page, page_of
from property_console.security.roles import allowed

router = APIRouter(prefix="/api", tags=["events"])
MAX_BATCH = 500
KEEPALIVE_S = 15.0


class IngestResult(BaseModel):
    id: str | None
    status: str  # stored | duplicate | rejected
    alarm_id: str | None = None
    errors: list[dict[str, Any]] = []


async def _body(request: Request) -> bytes:
    """The raw body, refused with 413 past the upload limit (nothing stored)."""
    limit, chunks, size = services_of(request.app).settings.max_upload_bytes, [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise DomainError.one(
                "upload.too_large", "请求内容过大", f"Body exceeds {limit} bytes", None, status_code=413
            )
        chunks.append(chunk)
    return b"".join(chunks)


def _result(outcome: Outcome) -> IngestResult:
    alarm = outcome.ingested.alarm if outcome.ingested else None
    return IngestResult(
        id=outcome.id,
        status=outcome.status,
        alarm_id=str(alarm.id) if alarm else None,
        errors=[e.as_dict() for e in outcome.errors],
    )


def _ingest(ctx: Ctx, payloads: list[Any]) -> list[IngestResult]:
    """Store the events and commit (rejects are kept too), in a worker thread."""
    outcomes = ingest_many(ctx.db, payloads, source=f"http:{ctx.who.username}")
    ctx.db.commit()
    return [_result(o) for o in outcomes]


@router.post("/events", status_code=201, response_model=IngestResult)
async def post_event(
    request: Request, response: Response, ctx: Annotated[Ctx, allow("events:ingest")]
) -> Any:
    """Store one event (idempotent by its UUID: a repeat answers 200 'duplicate'); 422 keeps the payload."""
    body = await _body(request)
    (result,) = await run_in_threadpool(_ingest, ctx, [body])
    if result.status == "rejected":
        raise DomainError(*[FieldError(**e) for e in result.errors], status_code=422)
    if result.status == "duplicate":
        response.status_code = 200
    return result


@router.post("/events/batch", response_model=list[IngestResult])
async def post_batch(request: Request, ctx: Annotated[Ctx, allow("events:ingest")]) -> Any:
    """Store up to 500 events in one transaction; each gets its own result, in order: stored, duplicate, or
    rejected with its reasons (a rejected item is kept in event_rejects and never blocks the others)."""
    body = await _body(request)
    try:
        items = json.loads(body)
    except ValueError:
        items = None
    if not isinstance(items, list) or len(items) > MAX_BATCH:
        raise DomainError.one(
            "batch.invalid", "应为不超过500条事件的JSON数组", "Expected a JSON array of ≤500 events"
        )
    results = await run_in_threadpool(_ingest, ctx, items)
    # The answers are built here already: skip a second validation pass through the response model.
    return JSONResponse([r.model_dump() for r in results])


@router.get("/events", response_model=Page[dict[str, Any]])
def list_events(
    ctx: Annotated[Ctx, allow("events:read")],
    kind: Annotated[list[str] | None, Query()] = None,
    device: Annotated[str | None, Query(max_length=64)] = None,
    subject: Annotated[str | None, Query(max_length=64)] = None,
    since: dt.datetime | None = None,
    until: dt.datetime | None = None,
    page: Annotated[int, Query(ge=1)] = 1,
    page_size: Annotated[int, Query(ge=1, le=200)] = 50,
) -> Any:
    """Newest first, filtered by kind(s), device serial, subject, and device-time range."""
    stmt = select(Event).order_by(Event.device_time.desc(), Event.id)
    if kind:
        stmt = stmt.where(Event.kind.in_(kind))
    if device:
        stmt = stmt.where(Event.device_serial == device)
    if subject:
        stmt = stmt.where(Event.subject.contains(subject) | Event.subject_name.contains(subject))
    if since:
        stmt = stmt.where(Event.device_time >= since)
    if until:
        stmt = stmt.where(Event.device_time < until)
    rows, total = paginate(ctx.db, stmt, page, page_size)
    return page_of([EventPublic.model_validate(e).as_json() for e in rows], total, page, page_size)


@router.get("/events/rejects")
def list_rejects(
    ctx: Annotated[Ctx, allow("devices:write")], limit: Annotated[int, Query(ge=1, le=200)] = 50
) -> list[dict[str, Any]]:
    """The newest payloads devices sent that failed validation, with the reasons."""
    rows = ctx.db.execute(select(EventReject).order_by(EventReject.received_at.desc()).limit(limit)).scalars()
    return [
        {
            "id": str(r.id),
            "received_at": r.received_at.isoformat(),
            "source": r.source,
            "payload": r.payload,
            "errors": r.errors,
        }
        for r in rows
    ]


@router.get("/captures/{sha256}")
def capture(sha256: str, ctx: Annotated[Ctx, allow("events:read")]) -> Response:
    """A capture image by its hash (gone once the uplink delivered and deleted it)."""
    found = ctx.db.get(Capture, sha256)
    if found is None:
        raise NotFound.one(
            "capture.gone", "抓拍图片不存在或已上传清理", "Capture not found or already uplinked"
        )
    headers = {"Cache-Control": "private, max-age=86400, immutable"}
    return Response(found.data, media_type=found.content_type, headers=headers)


@router.get("/events/stream")
async def stream(request: Request, ctx: Annotated[Ctx, allow("events:read")]) -> StreamingResponse:
    """Server-sent events: every committed event, alarm change and device status the caller may see."""
    role = ctx.who.role
    engine = services_of(request.app).engine
    if not relay_for(engine).running:  # other workers' messages, through the database (events/relay.py)
        await run_in_threadpool(relay_for(engine).start)
    broadcaster = broadcaster_for(engine)
    sub = broadcaster.subscribe()

    async def messages() -> AsyncIterator[str]:
        try:
            yield "retry: 2000\n: connected\n\n"
            while True:
                try:
                    msg = await asyncio.wait_for(sub.queue.get(), KEEPALIVE_S)
                except TimeoutError:
                    yield ": keepalive\n\n"
                    continue
                if msg is None:
                    return
                if sub.lagged:
                    sub.lagged = False
                    yield "event: resync\ndata: {}\n\n"
                if allowed(role, msg["perm"]):
                    yield f"event: {msg['type']}\ndata: {json.dumps(msg['data'], ensure_ascii=False)}\n\n"
        finally:
            broadcaster.unsubscribe(sub)

    headers = {"Cache-Control": "no-cache", "X-Accel-Buffering": "no"}
    return StreamingResponse(messages(), media_type="text/event-stream", headers=headers)
