"""Sign and verify doorplate tokens (HMAC-SHA256, truncated to 128 bits) and the URLs that carry them."""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlsplit

from qr_doorplate.keyring import Key, Keyring, KeyStatus
from qr_doorplate.refusal import Reason, Refused
from qr_doorplate.revocation import RevocationList
from qr_doorplate.token import MAC_BYTES, Claims, Kind, pack_claims, parse, to_text

DOMAIN = b"sc-doorplate/v1\x00"  # domain separation: these keys sign nothing else
URL_PATH = "/d/"


def _mac(key: Key, signed: bytes) -> bytes:
    return hmac.new(key.secret, DOMAIN + signed, hashlib.sha256).digest()[:MAC_BYTES]


def sign(keyring: Keyring, kind: Kind, code: str, now: datetime) -> str:
    """A token for this address or checkpoint code, signed with the active key."""
    if now.tzinfo is None:
        raise ValueError("issue time must be timezone-aware")
    key = keyring.active()
    claims = Claims(kind=kind, code=code, key_id=key.key_id, issued_at=int(now.timestamp()))
    signed = pack_claims(claims)
    return to_text(signed + _mac(key, signed))


def token_url(host: str, token: str) -> str:
    """The URL put in the QR code.

    Scheme and host are case-insensitive (RFC 3986) and the console must route /D/ as well as /d/, so the
    whole URL is written in upper case: then it fits the QR alphanumeric mode (5.5 bits a character instead
    of 8), which keeps the symbol small enough for the 40 mm plate.
    """
    return f"HTTPS://{host.upper()}/D/{token}"


def extract_token(text: str, host: str | None = None) -> str:
    """The token from a bare token or a doorplate URL; refuse a URL of another host when host is given."""
    text = text.strip()
    if "://" not in text:
        return text
    parts = urlsplit(text)
    if parts.scheme.lower() != "https" or not parts.path.upper().startswith(URL_PATH.upper()):
        raise Refused(Reason.MALFORMED, "not a doorplate URL")
    if host is not None and parts.netloc.lower() != host.lower():
        raise Refused(Reason.FOREIGN_HOST, parts.netloc)
    return parts.path[len(URL_PATH) :].strip("/")


@dataclass(frozen=True)
class Verifier:
    """Checks tokens against a keyring and a revocation list; refusals carry a Reason."""

    keyring: Keyring
    revocations: RevocationList
    host: str | None = None

    def verify(self, token_or_url: str, expect: Kind | None = None) -> Claims:
        """The claims of a genuine, current code; raise Refused otherwise.

        Order matters: the signature is checked before anything the token says is trusted, and a
        retired key is reported only for a correctly signed token (a forgery stays 'bad_signature').
        """
        claims, signed, mac = parse(extract_token(token_or_url, self.host))
        key = self.keyring.get(claims.key_id)
        if key is None:
            raise Refused(Reason.UNKNOWN_KEY, f"key {claims.key_id}")
        if not hmac.compare_digest(mac, _mac(key, signed)):
            raise Refused(Reason.BAD_SIGNATURE)
        if key.status is KeyStatus.RETIRED:
            raise Refused(Reason.RETIRED_KEY, f"key {key.key_id}")
        if expect is not None and claims.kind is not expect:
            raise Refused(
                Reason.WRONG_KIND, f"expected {expect.name.lower()}, got {claims.kind.name.lower()}"
            )
        if self.revocations.find(claims) is not None:
            raise Refused(Reason.REVOKED, claims.code_id)
        return claims
