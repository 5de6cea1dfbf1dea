"""Police logins: argon2id password hashes and stateless HMAC-signed bearer tokens (no session store)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

ROLES = ("district_police", "community_police")
_hasher = PasswordHasher()
_DUMMY = _hasher.hash("dummy password for timing")


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password: str, password_hash: str | None) -> bool:
    try:
        return _hasher.verify(password_hash or _DUMMY, password) and password_hash is not None
    except (VerificationError, InvalidHashError):
        return False


@dataclass(frozen=True)
class Officer:
    username: str
    role: str
    community: str | None  # set for community police: they see their own community only


def _sign(secret: str, body: bytes) -> str:
    return hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def issue(secret: str, who: Officer, hours: float) -> str:
    body = json.dumps({"u": who.username, "r": who.role, "c": who.community, "e": time.time() + hours * 3600})
    raw = base64.urlsafe_b64encode(body.encode()).decode()
    return f"{raw}.{_sign(secret, raw.encode())}"


def verify(secret: str, token: str) -> Officer | None:
    raw, _, sig = token.partition(".")
    if not raw or not hmac.compare_digest(_sign(secret, raw.encode()), sig):
        return None
    try:
        data = json.loads(base64.urlsafe_b64decode(raw.encode()))
    except ValueError:
        return None
    if data.get("e", 0) < time.time() or data.get("r") not in ROLES:
        return None
    return Officer(data["u"], data["r"], data.get("c"))
