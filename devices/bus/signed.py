"""Signed message frames: one JSON header line, a newline, then the body bytes; HMAC-SHA256 over both.

Used where the broker's own authentication is not enough (the uplink to the district: the receiver must know
which community sent a message even if a broker ACL is wrong, and the community must know an acknowledgement
really comes from the district). The header's `Sig` is HMAC-SHA256(key, canonical header without Sig + b"\\n"
+ body) in hex; canonical = JSON with sorted keys and no spaces, so any JSON library can reproduce it.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from typing import Any


class FrameError(ValueError):
    """The frame is not a header line + body, or its header is not a JSON object."""


def _canonical(header: dict[str, Any]) -> bytes:
    return json.dumps(header, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def _mac(key: bytes, header: dict[str, Any], body: bytes) -> str:
    m = hmac.new(key, _canonical(header), hashlib.sha256)
    m.update(b"\n")
    m.update(body)
    return m.hexdigest()


def pack(header: dict[str, Any], body: bytes, key: bytes) -> bytes:
    """Sign and frame; `header` must not contain `Sig` and must hold only JSON values."""
    signed = {**header, "Sig": _mac(key, header, body)}
    return _canonical(signed) + b"\n" + body


def split(frame: bytes) -> tuple[dict[str, Any], bytes]:
    """Header (still carrying Sig) and body, unverified: read the header to find the signer's key."""
    head, sep, body = frame.partition(b"\n")
    if not sep:
        raise FrameError("no header line")
    try:
        header = json.loads(head)
    except ValueError as exc:
        raise FrameError(f"header is not JSON: {exc}") from None
    if not isinstance(header, dict) or not isinstance(header.get("Sig"), str):
        raise FrameError("header must be a JSON object with Sig")
    return header, body


def verify(header: dict[str, Any], body: bytes, key: bytes) -> bool:
    """True when `Sig` matches (constant-time)."""
    unsigned = {k: v for k, v in header.items() if k != "Sig"}
    return hmac.compare_digest(str(header.get("Sig", "")), _mac(key, unsigned, body))
