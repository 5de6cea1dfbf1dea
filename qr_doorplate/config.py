"""Doorplate settings from the environment (SC_DOORPLATE_*; the data dir follows SC_DATA_DIR)."""

from __future__ import annotations

from pathlib import Path

from pydantic import AliasChoices, Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class DoorplateSettings(BaseSettings):
    """Where the keyring lives and which public host the QR URLs point to."""

    model_config = SettingsConfigDict(env_prefix="SC_DOORPLATE_", extra="ignore")

    host: str = Field(
        default="sc.example.cn",
        min_length=3,
        max_length=40,
        pattern=r"^[A-Za-z0-9.-]+(:[0-9]{1,5})?$",
        description="Public host of the scan pages, e.g. sq.example.gov.cn (kept short: it is in every QR)",
    )
    data_dir: Path = Field(
        default=Path("var"),
        validation_alias=AliasChoices("SC_DOORPLATE_DATA_DIR", "SC_DATA_DIR"),
        description="Data directory; keys live in <data_dir>/doorplate/ (mode 0700)",
    )
    font_path: Path | None = Field(
        default=None,
        description="A CJK TrueType font (.ttf/.ttc) to embed in plate PDFs; default: detect",
    )

    @property
    def doorplate_dir(self) -> Path:
        """Private directory for the keyring and the revocation list."""
        return self.data_dir / "doorplate"

    @property
    def keyring_path(self) -> Path:
        """The keyring file."""
        return self.doorplate_dir / "keyring.json"

    @property
    def revocations_path(self) -> Path:
        """The revocation list file."""
        return self.doorplate_dir / "revoked.json"

    @property
    def issue_log_path(self) -> Path:
        """Append-only log of printed codes (no secrets)."""
        return self.doorplate_dir / "issued.jsonl"
