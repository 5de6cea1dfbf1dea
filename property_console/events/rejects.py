"""Rejects: every payload the console refuses is kept verbatim with its reasons (zh-CN + English)."""

from __future__ import annotations

import json
import uuid
from typing import Any

from sqlalchemy import insert
from sqlalchemy.orm import Session

from property_console.errors import FieldError
from property_console.models import EventReject, utcnow

NUL_MARK = "\\u0000"  # PostgreSQL text refuses NUL; the kept copy shows where it was


def payload_text(payload: Any) -> str:
    """The payload as text, as close to what the device sent as a text column can hold."""
    if isinstance(payload, bytes):
        text = payload.decode("utf-8", errors="replace")
    elif isinstance(payload, str):
        text = payload
    else:
        text = json.dumps(payload, ensure_ascii=False, default=str)
    return storable(text)


def storable(text: str) -> str:
    """Text any database can hold: NUL shown as \\u0000, a lone surrogate as its escape."""
    return text.replace("\x00", NUL_MARK).encode("utf-8", "backslashreplace").decode("utf-8")


Reject = tuple[Any, list[FieldError], str]  # (payload, reasons, where it came from)


def keep_rejects(session: Session, rejects: list[Reject]) -> None:
    """Add one event_rejects row per (payload, reasons, source) to the caller's transaction, in one statement."""
    if not rejects:
        return
    now = utcnow()
    rows = [
        {
            "id": uuid.uuid4(),
            "received_at": now,
            "source": source[:64],
            "payload": payload_text(payload),
            "errors": [_clean(e.as_dict()) for e in errors],
        }
        for payload, errors, source in rejects
    ]
    session.connection().execute(insert(EventReject), rows)


def _clean(error: dict[str, str | None]) -> dict[str, str | None]:
    return {k: storable(v) if isinstance(v, str) else v for k, v in error.items()}
