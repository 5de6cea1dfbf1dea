"""What the receiver does with an authenticated community's request, whatever the transport (HTTP or MQTT).

Each function returns (status, body): status is the HTTP status the HTTP receiver answers (the MQTT intake puts
it in the signed acknowledgement), body the GA/T 1400 answer. Nothing is stored unless the request is valid;
invalid objects get StatusCode 8 while their valid neighbours are stored (idempotently, see ingest.py).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import ValidationError
from sqlalchemy.orm import Session, sessionmaker

from district_cloud import ingest, viid, watch
from district_cloud import models as m
from district_cloud.models.base import utcnow

OK, UNAUTHORISED, INVALID_JSON, INVALID_CONTENT = "0", "4", "7", "8"
MAX_OBJECTS = 5000
Answer = tuple[int, dict[str, Any]]


def local_time() -> str:
    return dt.datetime.now(viid.BEIJING).strftime("%Y%m%d%H%M%S")


def status(url: str, code: str, text: str, obj_id: str = "", local: str | None = None) -> dict[str, Any]:
    """One ResponseStatusObject."""
    local = local or local_time()
    return {"RequestURL": url, "StatusCode": code, "StatusString": text, "Id": obj_id, "LocalTime": local}


def refusal(http: int, url: str, code: str, text: str) -> Answer:
    """A whole-request refusal: nothing was stored."""
    return http, {"ResponseStatusObject": status(url, code, text)}


def system(sessions: sessionmaker[Session], code: str, action: str, body: Any, url: str) -> Answer:
    """Register / Keepalive / UnRegister for community `code`; a keepalive answer may carry a ResyncToken."""
    if action not in ("Register", "Keepalive", "UnRegister") or not isinstance(body, dict):
        return refusal(400, url, INVALID_CONTENT, "未知操作 Unknown action")
    obj = body.get(f"{action}Object")
    if not isinstance(obj, dict) or obj.get("DeviceID") != code:
        return refusal(400, url, INVALID_CONTENT, "DeviceID 与认证用户不符 DeviceID mismatch")
    answer: dict[str, Any] = {"ResponseStatusObject": status(url, OK, "正常 OK", code)}
    with sessions.begin() as db:
        c = db.get(m.Community, code)
        if c is None:
            return refusal(401, url, UNAUTHORISED, "未认证 Unauthorized")
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
    return 200, answer


def upload(
    sessions: sessionmaker[Session], code: str, kind_name: str, body: Any, url: str, webhook_timeout: float
) -> Answer:
    """Validate every object; store the valid ones idempotently; one ResponseStatusObject per object."""
    kind = viid.KINDS.get(kind_name)
    if kind is None:
        return refusal(404, url, INVALID_CONTENT, "未知资源 Unknown resource")
    items = body.get(kind.list_name, {}).get(kind.object_name) if isinstance(body, dict) else None
    if not isinstance(items, list) or not items or len(items) > MAX_OBJECTS:
        text = f"需要 {kind.list_name}.{kind.object_name} 列表 (1..{MAX_OBJECTS})"
        return refusal(400, url, INVALID_CONTENT, text)
    statuses, valid, local = [], [], local_time()
    for raw in items:
        try:
            obj = kind.model.model_validate(raw)
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(p) for p in first["loc"])
            oid = str(raw.get(kind.id_field, "")) if isinstance(raw, dict) else ""
            statuses.append(status(url, INVALID_CONTENT, f"{where}: {first['msg']}"[:200], oid, local))
            continue
        valid.append(obj)
        statuses.append(status(url, OK, "正常 OK", getattr(obj, kind.id_field), local))
    with sessions.begin() as db:
        out = ingest.store(db, code, kind, valid)
        hits = watch.match(db, code, out.new_passes) if out.new_passes else []
        hit_ids = [h.id for h in hits]
    watch.push_async(sessions, hit_ids, webhook_timeout)
    return 200, {"ResponseStatusListObject": {"ResponseStatusObject": statuses}}
