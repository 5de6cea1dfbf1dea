"""FastAPI router receiving LPR camera pushes; the plate-gate decision is plugged in as a callback."""

from __future__ import annotations

import logging
import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

from fastapi import APIRouter, FastAPI
from fastapi.responses import JSONResponse
from pydantic import ValidationError

from devices.lpr_push.models import AlarmInfoPlate, GateDecision, Heartbeat, PlateRead, to_plate_read
from devices.lpr_push.reply import SerialEncoder, build_plate_reply, gb2312_text, heartbeat_reply

log = logging.getLogger(__name__)
PlateHandler = Callable[[PlateRead], GateDecision]
HeartbeatHandler = Callable[[str, str], None]
"""(camera serial, camera ip)"""


class _Replies:
    """Cameras retransmit late replies: the same (serial, plateid) gets the same answer, decided once."""

    def __init__(self, size: int = 256) -> None:
        self._items: OrderedDict[tuple[str, int], dict[str, Any]] = OrderedDict()
        self._size = size
        self.lock = threading.Lock()

    def get(self, key: tuple[str, int]) -> dict[str, Any] | None:
        return self._items.get(key)

    def put(self, key: tuple[str, int], reply: dict[str, Any]) -> None:
        self._items[key] = reply
        if len(self._items) > self._size:
            self._items.popitem(last=False)


def create_lpr_router(
    on_plate: PlateHandler,
    *,
    on_heartbeat: HeartbeatHandler | None = None,
    encoder: SerialEncoder = gb2312_text,
    path: str = "/lpr/push",
) -> APIRouter:
    """POST `path` takes plate pushes and heartbeats (one URL for both); decisions run one at a time."""
    router = APIRouter()
    replies = _Replies()

    def _plate(body: dict[str, Any]) -> JSONResponse:
        try:
            push = AlarmInfoPlate.model_validate(body["AlarmInfoPlate"])
        except ValidationError as exc:
            return JSONResponse(
                {"error": "invalid AlarmInfoPlate / 车牌推送格式错误", "detail": exc.errors()[:3]}, 422
            )
        read = to_plate_read(push)
        key = (read.camera_serial, read.plate_id)
        with replies.lock:
            cached = replies.get(key) if read.plate_id else None
            if cached is None:
                try:
                    decision = on_plate(read)
                except Exception:
                    log.exception("plate decision failed; barrier stays closed / 决策失败,道闸不开")
                    decision = GateDecision(open=False)
                cached = build_plate_reply(decision, encoder=encoder)
                replies.put(key, cached)
        return JSONResponse(cached)

    @router.post(path)
    def receive(request_body: dict[str, Any]) -> JSONResponse:
        if "AlarmInfoPlate" in request_body:
            return _plate(request_body)
        if "heartbeat" in request_body:
            beat = Heartbeat.model_validate(request_body["heartbeat"] or {})
            if on_heartbeat is not None:
                on_heartbeat(beat.serialno, str(request_body.get("ipaddr", "")))
            return JSONResponse(heartbeat_reply())
        return JSONResponse({"error": "unknown push / 未知推送"}, 400)

    return router


def create_lpr_app(on_plate: PlateHandler, **kw: Any) -> FastAPI:
    """A standalone app (the lead may instead include the router in the console)."""
    app = FastAPI(title="LPR push receiver")
    app.include_router(create_lpr_router(on_plate, **kw))
    return app


__all__ = ["HeartbeatHandler", "PlateHandler", "create_lpr_app", "create_lpr_router"]
