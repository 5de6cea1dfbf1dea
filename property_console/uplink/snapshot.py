"""JSON-safe snapshots of records (column values only, no relationship loads) for the outbox."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from typing import Any

from sqlalchemy import inspect as sa_inspect

SKIP = frozenset({"created_at"})


def json_value(value: Any) -> Any:
    """Make one column value JSON-safe (UUID, dates and decimals become strings/floats)."""
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, list | tuple):
        return [json_value(v) for v in value]
    if isinstance(value, dict):
        return {str(k): json_value(v) for k, v in value.items()}
    return value


def snapshot(obj: Any) -> dict[str, Any]:
    """Every mapped column of `obj` as JSON-safe values (never triggers a lazy load)."""
    state = sa_inspect(obj)
    out: dict[str, Any] = {}
    for attr in state.mapper.column_attrs:
        if attr.key in SKIP or attr.key not in state.dict:
            continue
        out[attr.key] = json_value(state.dict[attr.key])
    return out
