"""Settings from the environment (SC_*), refusing default secrets outside demo and test mode."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_SECRET = "insecure-demo-secret-change-me"


class Settings(BaseSettings):
    """Everything the console needs to start; see README 'Configuration'."""

    model_config = SettingsConfigDict(env_prefix="SC_", env_file=".env", extra="ignore")

    mode: Literal["production", "demo", "test"] = Field(
        "production", description="demo/test allow default secrets"
    )
    data_dir: Path = Field(Path("var"), description="Where SQLite, buffers and captures live")
    database_url: str = Field("", description="SQLAlchemy URL; empty means SQLite in data_dir")
    secret_key: str = Field(DEFAULT_SECRET, min_length=16, description="Signs sessions and QR codes")
    community_code: str = Field("C0001", max_length=32, description="Code of this community")
    community_name: str = Field("示范小区", max_length=64)
    host: str = "127.0.0.1"
    port: int = 8000
    session_hours: float = Field(12.0, gt=0)
    lockout_attempts: int = Field(5, ge=1, description="Wrong passwords before the account locks (GB 50396)")
    lockout_minutes: int = Field(15, ge=1)
    max_upload_bytes: int = Field(10 * 1024 * 1024, ge=1024)
    page_size_max: int = 200
    mqtt_url: str = Field(
        "", description="mqtt[s]://user:pass@host:port of the broker; empty: start an embedded one"
    )
    mqtt_embedded_port: int = Field(
        1884, description="Port of the embedded broker (1883 is left to Mosquitto)"
    )
    timezone: str = Field("Asia/Shanghai", description="Local time zone for 'today' and reports")
    live_relay: bool = Field(
        True,
        description="Share live-push messages with other console processes through the database "
        "(several workers/instances); off saves one write per event on a single-process console",
    )

    @model_validator(mode="after")
    def _refuse_default_secret(self) -> Settings:
        if self.mode == "production" and self.secret_key == DEFAULT_SECRET:
            raise ValueError("SC_SECRET_KEY must be set to a private value outside demo/test mode")
        return self

    @property
    def effective_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'sc.db').resolve()}"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
