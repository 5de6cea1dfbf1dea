"""Doorplate web fixtures: the console's seeded databases and clients, plus signed plates, a test clock
and an in-memory OTP sender on the app."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from property_console.doorplate.otp_sender import MemorySender
from property_console.runtime import Runtime
from qr_doorplate.config import DoorplateSettings
from qr_doorplate.keyring import KeyringStore
from qr_doorplate.signing import sign
from qr_doorplate.token import Kind
from tests.console.conftest import (  # noqa: F401  (fixtures reused from the console tests)
    app_client,
    login,
    pg_template,
    runtime,
    seeded_url,
    sqlite_template,
)

T0 = dt.datetime(2026, 11, 21, 2, 0, tzinfo=dt.UTC)  # 10:00 in Asia/Shanghai


class Clock:
    """A settable clock for the app (OTP expiry, patrol windows)."""

    def __init__(self, at: dt.datetime) -> None:
        self.at = at

    def __call__(self) -> dt.datetime:
        return self.at

    def advance(self, **kw: float) -> None:
        self.at += dt.timedelta(**kw)


@dataclass
class Doorplate:
    """What a test needs: the app wired with test doubles, and a way to issue genuine codes."""

    client: TestClient
    clock: Clock
    sms: MemorySender
    settings: DoorplateSettings

    def token(self, code: str, kind: Kind = Kind.ADDRESS) -> str:
        keyring = KeyringStore(self.settings.keyring_path).load_or_create(self.clock())
        return sign(keyring, kind, code, self.clock())

    def otp_client(self, phone: str) -> TestClient:
        """A client logged in as the resident of this phone through the OTP endpoints."""
        self.clock.advance(minutes=2)  # clear of the per-phone gap
        r = self.client.post("/api/doorplate/otp/request", json={"phone": phone})
        assert r.status_code == 202, r.text
        r = self.client.post("/api/doorplate/otp/verify", json={"phone": phone, "code": self.sms.sent[phone]})
        assert r.status_code == 200, r.text
        c = TestClient(self.client.app)
        c.headers["Authorization"] = f"Bearer {r.json()['token']}"
        return c


@pytest.fixture
def dp(app_client: TestClient, runtime: Runtime, tmp_path: Path) -> Doorplate:  # noqa: F811
    app = app_client.app
    settings = DoorplateSettings(host="sq.example.cn").model_copy(update={"data_dir": tmp_path / "dp"})
    assert settings.data_dir == tmp_path / "dp"
    clock, sms = Clock(T0), MemorySender()
    app.state.doorplate_settings = settings  # type: ignore[attr-defined]
    app.state.doorplate_clock = clock  # type: ignore[attr-defined]
    app.state.otp_sender = sms  # type: ignore[attr-defined]
    return Doorplate(app_client, clock, sms, settings)
