"""VIID receiver: digest-authenticated register/keepalive/unregister and object uploads, one status per object."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from pydantic import ValidationError
from starlette.concurrency import run_in_threadpool

from district_cloud import digest, ingest, viid, watch
from district_cloud import models as m
from district_cloud.config import DistrictSettings
from district_cloud.models.base import utcnow

router = APIRouter(prefix="/VIID", tags=["viid"])
OK, INVALID_JSON, INVALID_CONTENT = "0", "7", "8"


def _status(url: str, code: str, text: str, obj_id: str = "") -> dict[str, Any]:
    local = dt.datetime.now(viid.BEIJING).strftime("%Y%m%d%H%M%S")
    return {"RequestURL": url, "StatusCode": code, "StatusString": text, "Id": obj_id, "LocalTime": local}


def _refuse(
    request: Request, http: int, code: str, text: str, headers: dict[str, str] | None = None
) -> JSONResponse:
    body = {"ResponseStatusObject": _status(request.url.path, code, text)}
    return JSONResponse(body, status_code=http, headers=headers)


class Refused(Exception):
    def __init__(self, response: JSONResponse) -> None:
        self.response = response


def _authenticate(request: Request) -> str:
    """The community code of a valid digest; otherwise Refused(401 with a fresh challenge)."""
    s: DistrictSettings = request.app.state.settings
    params = digest.parse(request.headers.get("authorization", ""))
    stale = False
    if params is not None:
        state = digest.nonce_state(s.secret_key, params.get("nonce", ""), s.nonce_seconds)
        with request.app.state.sessions() as db:
            community = db.get(m.Community, params.get("username", ""))
        if (
            community is not None
            and state != "bad"
            and digest.check(params, community.ha1, request.method, request.url.path)
        ):
            if state == "ok":
                return community.code
            stale = True
    challenge = digest.Challenge(s.realm, digest.make_nonce(s.secret_key), stale)
    raise Refused(_refuse(request, 401, "4", "未认证 Unauthorized", {"WWW-Authenticate": challenge.header()}))


async def _raw(request: Request) -> bytes:
    s: DistrictSettings = request.app.state.settings
    if int(request.headers.get("content-length") or 0) > s.max_body_bytes:
        raise Refused(_refuse(request, 413, INVALID_CONTENT, "请求过大 Payload too large"))
    raw = await request.body()
    if len(raw) > s.max_body_bytes:
        raise Refused(_refuse(request, 413, INVALID_CONTENT, "请求过大 Payload too large"))
    return raw


def _parse(request: Request, raw: bytes) -> Any:
    try:
        return json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        raise Refused(_refuse(request, 400, INVALID_JSON, "JSON格式错误 Invalid JSON")) from None


@router.post("/System/{action}")
async def system(action: str, request: Request) -> JSONResponse:
    """Register / Keepalive / UnRegister; a keepalive answer may carry a ResyncToken."""
    try:
        raw = await _raw(request)
    except Refused as r:
        return r.response
    return await run_in_threadpool(_system, action, request, raw)


def _system(action: str, request: Request, raw: bytes) -> JSONResponse:
    try:
        code = _authenticate(request)
        body = _parse(request, raw)
    except Refused as r:
        return r.response
    if action not in ("Register", "Keepalive", "UnRegister") or not isinstance(body, dict):
        return _refuse(request, 400, INVALID_CONTENT, "未知操作 Unknown action")
    obj = body.get(f"{action}Object")
    if not isinstance(obj, dict) or obj.get("DeviceID") != code:
        return _refuse(request, 400, INVALID_CONTENT, "DeviceID 与认证用户不符 DeviceID mismatch")
    answer: dict[str, Any] = {"ResponseStatusObject": _status(request.url.path, OK, "正常 OK", code)}
    with request.app.state.sessions.begin() as db:
        c = db.get(m.Community, code)
        assert c is not None
        now = utcnow()
        c.last_seen_at = now
        if action == "Register":
            c.registered, c.registered_at = True, now
        elif action == "UnRegister":
            c.registered = False
        elif c.resync_token:
            if obj.get("ResyncDone") == c.resync_token:
                c.resync_done_at, c.resync_token = now, None
            else:
                answer["ResyncToken"] = c.resync_token
    return JSONResponse(answer)


@router.post("/{kind_name}")
async def upload(kind_name: str, request: Request) -> JSONResponse:
    """Validate every object; store the valid ones idempotently; answer one ResponseStatusObject each."""
    try:
        raw = await _raw(request)
    except Refused as r:
        return r.response
    return await run_in_threadpool(_upload, kind_name, request, raw)


def _upload(kind_name: str, request: Request, raw: bytes) -> JSONResponse:
    try:
        code = _authenticate(request)
        body = _parse(request, raw)
    except Refused as r:
        return r.response
    kind = viid.KINDS.get(kind_name)
    if kind is None:
        return _refuse(request, 404, INVALID_CONTENT, "未知资源 Unknown resource")
    items = body.get(kind.list_name, {}).get(kind.object_name) if isinstance(body, dict) else None
    if not isinstance(items, list) or not items or len(items) > 5000:
        return _refuse(
            request, 400, INVALID_CONTENT, f"需要 {kind.list_name}.{kind.object_name} 列表 (1..5000)"
        )
    path, statuses, valid = request.url.path, [], []
    for raw in items:
        try:
            obj = kind.model.model_validate(raw)
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(p) for p in first["loc"])
            oid = str(raw.get(kind.id_field, "")) if isinstance(raw, dict) else ""
            statuses.append(_status(path, INVALID_CONTENT, f"{where}: {first['msg']}"[:200], oid))
            continue
        valid.append(obj)
        statuses.append(_status(path, OK, "正常 OK", getattr(obj, kind.id_field)))
    with request.app.state.sessions.begin() as db:
        out = ingest.store(db, code, kind, valid)
        hits = watch.match(db, code, out.new_passes) if out.new_passes else []
        hit_ids = [h.id for h in hits]
    watch.push_async(request.app.state.sessions, hit_ids, request.app.state.settings.webhook_timeout)
    return JSONResponse({"ResponseStatusListObject": {"ResponseStatusObject": statuses}})
