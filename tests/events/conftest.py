"""Event fixtures: the seeded console database, an edge-device (system role) client, payload factories."""

from __future__ import annotations

import asyncio
import base64
import concurrent.futures
import datetime as dt
import io
import uuid
from collections.abc import Callable, Coroutine
from typing import Any, TypeVar

import pytest
from fastapi.testclient import TestClient
from PIL import Image

from property_console.runtime import Runtime
from property_console.schemas.user import UserCreate
from property_console.security.roles import Role
from property_console.seed import DEMO_PASSWORD
from property_console.services.users import create_user
from tests.console.conftest import (  # noqa: F401  (fixtures)
    app_client,
    login,
    pg_template,
    runtime,
    seeded_url,
    sqlite_template,
)

T = TypeVar("T")


def run_async(coro: Coroutine[Any, Any, T]) -> T:
    """asyncio.run in a fresh thread: works even when the session already runs a loop (Playwright's)."""
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coro).result()


def jpeg(color: tuple[int, int, int] = (200, 30, 30)) -> bytes:
    """A small real JPEG."""
    buf = io.BytesIO()
    Image.new("RGB", (32, 24), color).save(buf, "JPEG")
    return buf.getvalue()


def event_payload(kind: str = "door_pass", **extra: Any) -> dict[str, Any]:
    """A valid v1 event from the first demo door."""
    body: dict[str, Any] = {
        "v": 1,
        "id": str(uuid.uuid4()),
        "kind": kind,
        "device_serial": "DOOR-1-1-0001",
        "device_time": dt.datetime.now(dt.UTC).isoformat(),
        "subject": "P-0001",
        "subject_name": "王伟",
        "decision": "granted",
        "detail": {"score": 0.93},
    }
    if kind == "alarm":
        body["alarm"] = {
            "kind": "perimeter_intrusion",
            "zone": "Z3",
            "message_zh": "北侧围墙入侵",
            "message_en": "Intrusion on the north fence",
        }
        body["device_serial"] = "PERI-HOST-01"
    body.update(extra)
    return body


def with_capture(body: dict[str, Any], data: bytes | None = None) -> dict[str, Any]:
    body["capture"] = {"data_b64": base64.b64encode(data or jpeg()).decode()}
    return body


@pytest.fixture
def edge(runtime: Runtime, login: Callable[[str], TestClient]) -> TestClient:  # noqa: F811  (fixtures)
    """A client logged in as an edge device account (system role)."""
    with runtime.sessions.begin() as db:
        create_user(
            db,
            UserCreate(username="edge01", display_name="边缘网关", role=Role.SYSTEM, password=DEMO_PASSWORD),
        )
    return login("edge01")
