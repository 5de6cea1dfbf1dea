"""Uplink settings (SC_UPLINK_*): where the district receiver is, credentials, batching, capture retention."""

from __future__ import annotations

from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class UplinkSettings(BaseSettings):
    """Empty `url` disables delivery (the outbox still fills, so nothing is lost when it is configured)."""

    model_config = SettingsConfigDict(env_prefix="SC_UPLINK_", env_file=".env", extra="ignore")

    transport: Literal["http", "mqtt"] = Field(
        "http", description="http (GA/T 1400 over HTTP(S)) or mqtt (same objects, QoS 1, persistent session)"
    )
    url: str = Field(
        "", description="District receiver: https://district.example/ or mqtt(s)://broker.example:8883"
    )
    username: str = Field("", description="Digest user; defaults to the community code")
    password: str = Field("", repr=False, description="Digest password agreed with the district")
    realm: str = Field("district-viid", description="Digest realm (MQTT: part of the frame signing key)")
    mqtt_username: str = Field("", description="Broker user; defaults to the digest user")
    mqtt_password: str = Field("", repr=False, description="Broker password; defaults to the digest password")
    mqtt_tls_ca: str | None = Field(None, description="CA file for mqtts:// (system CAs are not used)")
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
    outbox_retention_days: float = Field(
        30.0,
        ge=0,
        description="Delete acknowledged outbox rows older than this (a daily summary stays); 0: never",
    )
    prune_batch: int = Field(1000, ge=1, le=100_000, description="Outbox rows deleted per transaction")
    prune_interval_seconds: float = Field(
        60.0, gt=0, description="Pause between pruning passes once caught up"
    )
