"""District settings (SCD_*): database, secrets, digest realm and nonce lifetime."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_SECRET = "insecure-district-secret-change-me"


class DistrictSettings(BaseSettings):
    """Everything the receiver needs; it keeps no state outside the database (scale out freely)."""

    model_config = SettingsConfigDict(env_prefix="SCD_", env_file=".env", extra="ignore")

    mode: Literal["production", "demo", "test"] = "production"
    data_dir: Path = Path("var/district")
    database_url: str = Field("", description="SQLAlchemy URL; empty means SQLite in data_dir")
    secret_key: str = Field(DEFAULT_SECRET, min_length=16, description="Signs nonces and login tokens")
    realm: str = "district-viid"
    nonce_seconds: int = Field(300, ge=10, description="Digest nonce lifetime (stale after this)")
    token_hours: float = Field(12.0, gt=0)
    user_cache_seconds: float = Field(
        10.0,
        ge=0,
        description="A police user found active is not looked up again for this long (0: every query)",
    )
    max_body_bytes: int = Field(64 * 1024 * 1024, ge=1024)
    webhook_timeout: float = Field(3.0, gt=0)
    host: str = "127.0.0.1"
    port: int = 8001
    mqtt_url: str = Field(
        "", description="mqtt(s)://broker:port to also take uploads over MQTT; empty: HTTP only"
    )
    mqtt_username: str = ""
    mqtt_password: str = Field("", repr=False)
    mqtt_tls_ca: str | None = None
    mqtt_client_id: str = Field(
        "district-intake", description="Fixed: the broker keeps its session and queue"
    )

    @model_validator(mode="after")
    def _refuse_default_secret(self) -> DistrictSettings:
        if self.mode == "production" and self.secret_key == DEFAULT_SECRET:
            raise ValueError("SCD_SECRET_KEY must be set outside demo/test mode")
        return self

    @property
    def effective_database_url(self) -> str:
        return self.database_url or f"sqlite:///{(self.data_dir / 'district.db').resolve()}"
