"""HTTP digest authentication (RFC 7616, MD5, qop=auth) with stateless nonces, so receivers scale out.

A nonce is `<unix time>.<HMAC(secret, time)>`: any receiver sharing the secret can check it without a session
store; after `nonce_seconds` it is answered with `stale=true` and the client retries with a fresh one.
Limitation: without shared state the nonce count is not tracked, so a captured request could be replayed
within the nonce lifetime; TLS is required in production for that reason (and for the images).
"""

from __future__ import annotations

import hashlib
import hmac
import re
import time
from dataclasses import dataclass

_PARAM = re.compile(r'(\w+)=("([^"]*)"|[^,\s]*)')


def md5(text: str) -> str:
    return hashlib.md5(text.encode(), usedforsecurity=False).hexdigest()


def ha1(username: str, realm: str, password: str) -> str:
    """What the district stores per community instead of the password."""
    return md5(f"{username}:{realm}:{password}")


@dataclass(frozen=True)
class Challenge:
    realm: str
    nonce: str
    stale: bool = False

    def header(self) -> str:
        stale = ", stale=true" if self.stale else ""
        return f'Digest realm="{self.realm}", qop="auth", algorithm=MD5, nonce="{self.nonce}"{stale}'


def make_nonce(secret: str, now: float | None = None) -> str:
    ts = str(int(now if now is not None else time.time()))
    return f"{ts}.{hmac.new(secret.encode(), ts.encode(), hashlib.sha256).hexdigest()[:32]}"


def nonce_state(secret: str, nonce: str, max_age: int, now: float | None = None) -> str:
    """'ok', 'stale' (genuine but old) or 'bad'."""
    ts = nonce.partition(".")[0]
    if not ts.isdigit() or not hmac.compare_digest(make_nonce(secret, int(ts)), nonce):
        return "bad"
    age = (now if now is not None else time.time()) - int(ts)
    return "ok" if -5 <= age <= max_age else "stale"


def parse(header: str) -> dict[str, str] | None:
    """The parameters of a `Digest ...` Authorization header, or None."""
    if not header.lower().startswith("digest "):
        return None
    return {
        m.group(1).lower(): (m.group(3) if m.group(3) is not None else m.group(2))
        for m in _PARAM.finditer(header[7:])
    }


def expected_response(params: dict[str, str], stored_ha1: str, method: str) -> str:
    ha2 = md5(f"{method}:{params.get('uri', '')}")
    if params.get("qop"):
        return md5(
            f"{stored_ha1}:{params['nonce']}:{params.get('nc', '')}:{params.get('cnonce', '')}:{params['qop']}:{ha2}"
        )
    return md5(f"{stored_ha1}:{params['nonce']}:{ha2}")


def check(params: dict[str, str], stored_ha1: str, method: str, path: str) -> bool:
    """True when the response hash matches and the digest was made for this request's path."""
    if params.get("uri", "").split("?")[0] != path or "nonce" not in params or "response" not in params:
        return False
    return hmac.compare_digest(expected_response(params, stored_ha1, method), params["response"])
