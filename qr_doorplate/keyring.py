"""Signing keys with ids: one active, older ones still verifying until retired; stored 0600."""

from __future__ import annotations

import base64
import json
import os
import secrets
import stat
from dataclasses import dataclass, field, replace
from datetime import datetime
from enum import StrEnum
from pathlib import Path

KEY_BYTES = 32
MAX_KEY_ID = 255


class KeyStatus(StrEnum):
    """Lifecycle of a key: active signs and verifies, verify only verifies, retired does neither."""

    ACTIVE = "active"
    VERIFY = "verify"
    RETIRED = "retired"


class KeyringError(Exception):
    """The keyring cannot be used as asked (missing key, unsafe file, exhausted ids)."""


@dataclass(frozen=True)
class Key:
    """One HMAC key; the secret never appears in repr or listings."""

    key_id: int
    created_at: datetime
    status: KeyStatus
    secret: bytes = field(repr=False)
    retired_at: datetime | None = None


@dataclass(frozen=True)
class Keyring:
    """An immutable set of keys; rotate and retire return a new keyring."""

    keys: tuple[Key, ...] = ()

    def get(self, key_id: int) -> Key | None:
        """The key with this id, whatever its status."""
        return next((k for k in self.keys if k.key_id == key_id), None)

    def active(self) -> Key:
        """The one key that signs new codes."""
        for key in self.keys:
            if key.status is KeyStatus.ACTIVE:
                return key
        raise KeyringError("没有可用的签名密钥，请先执行 keys rotate (no active key: run `keys rotate`)")

    def rotate(self, now: datetime) -> Keyring:
        """Add a fresh active key; the previous active key keeps verifying."""
        next_id = max((k.key_id for k in self.keys), default=0) + 1
        if next_id > MAX_KEY_ID:
            raise KeyringError(f"key ids exhausted (max {MAX_KEY_ID})")
        demoted = tuple(
            replace(k, status=KeyStatus.VERIFY) if k.status is KeyStatus.ACTIVE else k for k in self.keys
        )
        new = Key(next_id, now, KeyStatus.ACTIVE, secrets.token_bytes(KEY_BYTES))
        return Keyring((*demoted, new))

    def retire(self, key_id: int, now: datetime) -> Keyring:
        """Stop accepting codes signed by this key (kept only to tell 'retired' from 'forged')."""
        key = self.get(key_id)
        if key is None:
            raise KeyringError(f"unknown key id {key_id}")
        if key.status is KeyStatus.ACTIVE:
            raise KeyringError("不能停用正在签名的密钥，请先轮换 (rotate before retiring the active key)")
        retired = replace(key, status=KeyStatus.RETIRED, retired_at=now)
        return Keyring(tuple(retired if k is key else k for k in self.keys))


def _key_to_json(key: Key) -> dict[str, object]:
    return {
        "id": key.key_id,
        "created_at": key.created_at.isoformat(),
        "status": key.status.value,
        "retired_at": key.retired_at.isoformat() if key.retired_at else None,
        "secret": base64.b64encode(key.secret).decode("ascii"),
    }


def _key_from_json(raw: dict[str, object]) -> Key:
    retired = raw.get("retired_at")
    return Key(
        key_id=int(str(raw["id"])),
        created_at=datetime.fromisoformat(str(raw["created_at"])),
        status=KeyStatus(str(raw["status"])),
        secret=base64.b64decode(str(raw["secret"])),
        retired_at=datetime.fromisoformat(str(retired)) if retired else None,
    )


def ensure_private_dir(directory: Path) -> None:
    """Create the directory readable by its owner only."""
    directory.mkdir(parents=True, exist_ok=True)
    directory.chmod(0o700)


def write_private(path: Path, text: str) -> None:
    """Write atomically through a 0600 temporary file, so the secret is never world-readable."""
    ensure_private_dir(path.parent)
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(text)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)


class KeyringStore:
    """Loads and saves the keyring file; refuses a file others can read."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def load(self) -> Keyring:
        """The stored keyring, empty if none was created yet."""
        if not self.path.exists():
            return Keyring()
        mode = stat.S_IMODE(self.path.stat().st_mode)
        if mode & 0o077:
            raise KeyringError(
                f"密钥文件权限过宽 {oct(mode)}，应为 0600 (keyring file {self.path} is not private)"
            )
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
            return Keyring(tuple(_key_from_json(raw) for raw in data["keys"]))
        except (ValueError, KeyError, TypeError) as exc:
            raise KeyringError(f"密钥文件损坏 (keyring file {self.path} is corrupt)") from exc

    def save(self, keyring: Keyring) -> None:
        """Persist the keyring with mode 0600."""
        body = {"format": 1, "keys": [_key_to_json(k) for k in keyring.keys]}
        write_private(self.path, json.dumps(body, indent=2))

    def load_or_create(self, now: datetime) -> Keyring:
        """The stored keyring, with a first active key created if there is none."""
        keyring = self.load()
        if not any(k.status is KeyStatus.ACTIVE for k in keyring.keys):
            keyring = keyring.rotate(now)
            self.save(keyring)
        return keyring
