"""Uplink settings (SC_UPLINK_*): where the district receiver is, credentials, batching, capture retention."""

from __future__ import annotations

from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class UplinkSettings(BaseSettings):
    """Empty `url` disables delivery (the outbox still fills, so nothing is lost when it is configured)."""

    model_config = SettingsConfigDict(env_prefix="SC_UPLINK_", env_file=".env", extra="ignore")

    transport: Literal["http"] = Field(
        "http", description="http (GA/T 1400 over HTTP(S)); mqtt is not built yet"
    )
    url: str = Field("", description="District receiver base URL, e.g. https://district.example/")
    username: str = Field("", description="Digest user; defaults to the community code")
    password: str = Field("", repr=False, description="Digest password agreed with the district")
    verify_tls: bool = True
    batch_size: int = Field(500, ge=1, le=5000)
    idle_seconds: float = Field(1.0, gt=0, description="Pause when the outbox is empty")
    keepalive_seconds: float = Field(30.0, gt=0)
    backoff_base: float = Field(0.5, gt=0)
    backoff_max: float = Field(60.0, gt=0)
    timeout_seconds: float = Field(15.0, gt=0)
    capture_retention_hours: float = Field(
        0.0, ge=0, description="Keep acknowledged captures this long (0: delete on acknowledgement)"
    )
