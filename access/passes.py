"""Visitor-pass tokens: HMAC-signed claims (pass id, doors, window) a door verifies offline from a QR code.

The console signs with a key derived from its secret (`pass_key`), so the secret itself never leaves the
console; the edge receives only the derived key through the sync endpoint (door role).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from dataclasses import dataclass
from datetime import UTC, datetime

PREFIX = "SCVP1"
DOMAIN = b"sc-visitor-pass/v1"
MAC_BYTES = 16
URL_PATH = "/api/visitor-passes/t/"


class PassRefused(ValueError):
    """A token that is malformed or not signed by the console's pass key."""

    def __init__(self, code: str) -> None:
        self.code = code
        super().__init__(code)


@dataclass(frozen=True)
class PassClaims:
    """What a pass token says: which pass, which doors, and the window [valid_from, valid_to)."""

    pass_id: str
    doors: tuple[str, ...]
    valid_from: datetime
    valid_to: datetime


def pass_key(secret: str) -> bytes:
    """The pass-signing key derived from the console secret (domain-separated)."""
    return hmac.new(secret.encode(), DOMAIN, hashlib.sha256).digest()


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def sign_pass(key: bytes, claims: PassClaims) -> str:
    """A compact token `SCVP1.<claims>.<mac>` (URL- and QR-safe)."""
    body = {
        "p": claims.pass_id,
        "d": list(claims.doors),
        "f": int(claims.valid_from.timestamp()),
        "t": int(claims.valid_to.timestamp()),
    }
    payload = _b64(json.dumps(body, separators=(",", ":")).encode())
    mac = hmac.new(key, f"{PREFIX}.{payload}".encode(), hashlib.sha256).digest()[:MAC_BYTES]
    return f"{PREFIX}.{payload}.{_b64(mac)}"


def pass_url(base_url: str, token: str) -> str:
    """The link sent to the visitor: it serves the QR image whose content is this same link."""
    return base_url.rstrip("/") + URL_PATH + token


def verify_pass(key: bytes, text: str) -> PassClaims:
    """Claims of a genuine token (bare or inside a pass URL); raise PassRefused otherwise."""
    token = text.strip().rstrip("/").rsplit("/", 1)[-1]
    parts = token.split(".")
    if len(parts) != 3 or parts[0] != PREFIX:
        raise PassRefused("malformed")
    try:
        mac = _unb64(parts[2])
        body = json.loads(_unb64(parts[1]))
    except (ValueError, UnicodeDecodeError):
        raise PassRefused("malformed") from None
    expected = hmac.new(key, f"{PREFIX}.{parts[1]}".encode(), hashlib.sha256).digest()[:MAC_BYTES]
    if not hmac.compare_digest(mac, expected):
        raise PassRefused("bad_signature")
    try:
        return PassClaims(
            str(body["p"]),
            tuple(str(d) for d in body["d"]),
            datetime.fromtimestamp(int(body["f"]), UTC),
            datetime.fromtimestamp(int(body["t"]), UTC),
        )
    except (KeyError, TypeError, ValueError):
        raise PassRefused("malformed") from None
