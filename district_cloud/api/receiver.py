"""VIID receiver: digest-authenticated register/keepalive/unregister and object uploads, one status per object."""

from __future__ import annotations

import json
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from district_cloud import digest, intake
from district_cloud import models as m
from district_cloud.config import DistrictSettings
from district_cloud.intake import INVALID_CONTENT, INVALID_JSON

router = APIRouter(prefix="/VIID", tags=["viid"])


def _refuse(
    request: Request, http: int, code: str, text: str, headers: dict[str, str] | None = None
) -> JSONResponse:
    _http, body = intake.refusal(http, request.url.path, code, text)
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
    http, answer = intake.system(request.app.state.sessions, code, action, body, request.url.path)
    return JSONResponse(answer, status_code=http)


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
    s: DistrictSettings = request.app.state.settings
    http, answer = intake.upload(
        request.app.state.sessions, code, kind_name, body, request.url.path, s.webhook_timeout
    )
    return JSONResponse(answer, status_code=http)
