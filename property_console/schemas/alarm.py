"""Alarm as the API and the live channel show it."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from pydantic import BaseModel, ConfigDict


class AlarmPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    kind: str
    severity: str
    source: str
    message_zh: str
    message_en: str
    detail: dict[str, Any]
    status: str
    raised_at: dt.datetime
    acknowledged_by: str | None
    acknowledged_at: dt.datetime | None
    handled_by: str | None
    handled_at: dt.datetime | None
    disposition: str | None
    note: str | None
