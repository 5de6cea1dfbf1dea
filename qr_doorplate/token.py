"""Binary layout of a doorplate token: header, packed address code, truncated MAC, base32 text."""

from __future__ import annotations

import base64
import binascii
import hashlib
from dataclasses import dataclass
from enum import IntEnum

from qr_doorplate.refusal import Reason, Refused

VERSION = 1
MAC_BYTES = 16  # HMAC-SHA256 truncated to 128 bits
HEADER_BYTES = 7  # version/kind/codec, key id, issued_at (4), code length
MAX_CODE_CHARS = 64
DIGITS = "0123456789"
UPPER = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ-._/"


class Kind(IntEnum):
    """What the code stands for."""

    ADDRESS = 0
    CHECKPOINT = 1


class Codec(IntEnum):
    """How the address code is packed: digits and upper-case codes are packed as big integers."""

    DIGITS = 0
    UPPER = 1
    RAW = 2


@dataclass(frozen=True)
class Claims:
    """What a token says: nothing but a reference to a standard address or checkpoint."""

    kind: Kind
    code: str
    key_id: int
    issued_at: int  # Unix seconds

    @property
    def code_id(self) -> str:
        """Short stable id of this one code (printed on the plate, used to revoke it)."""
        digest = hashlib.sha256(pack_claims(self)).digest()[:5]
        return base64.b32encode(digest).decode("ascii")


def _alphabet(codec: Codec) -> str:
    return DIGITS if codec is Codec.DIGITS else UPPER


def _packed_len(codec: Codec, n: int) -> int:
    """Bytes taken by n symbols of the codec's alphabet (exact, so truncation is detectable)."""
    if codec is Codec.RAW:
        return n
    return max(1, ((len(_alphabet(codec)) ** n - 1).bit_length() + 7) // 8)


def choose_codec(code: str) -> Codec:
    """Densest codec that can carry the code unchanged."""
    if code and all(c in DIGITS for c in code):
        return Codec.DIGITS
    if code and all(c in UPPER for c in code):
        return Codec.UPPER
    return Codec.RAW


def validate_code(code: str) -> None:
    """Refuse codes that cannot be a stable address code (empty, too long, control characters)."""
    if not code or len(code) > MAX_CODE_CHARS or len(code.encode()) > 255:
        raise ValueError(f"address code must be 1..{MAX_CODE_CHARS} characters: {code!r}")
    if any(not c.isprintable() or c.isspace() for c in code):
        raise ValueError(f"address code must not contain spaces or control characters: {code!r}")


def _pack_code(code: str, codec: Codec) -> tuple[int, bytes]:
    if codec is Codec.RAW:
        raw = code.encode("utf-8")
        return len(raw), raw
    alphabet = _alphabet(codec)
    value = 0
    for c in code:
        value = value * len(alphabet) + alphabet.index(c)
    return len(code), value.to_bytes(_packed_len(codec, len(code)), "big")


def _unpack_code(data: bytes, codec: Codec, n: int) -> str:
    if codec is Codec.RAW:
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise Refused(Reason.MALFORMED, "code is not UTF-8") from exc
    alphabet = _alphabet(codec)
    value = int.from_bytes(data, "big")
    chars = []
    for _ in range(n):
        value, digit = divmod(value, len(alphabet))
        chars.append(alphabet[digit])
    if value:
        raise Refused(Reason.MALFORMED, "packed code out of range")
    return "".join(reversed(chars))


def pack_claims(claims: Claims) -> bytes:
    """The signed part of a token."""
    validate_code(claims.code)
    if not 1 <= claims.key_id <= 255:
        raise ValueError("key id must be 1..255")
    if not 0 <= claims.issued_at < 2**32:
        raise ValueError("issued_at out of range")
    codec = choose_codec(claims.code)
    n, packed = _pack_code(claims.code, codec)
    head = bytes([VERSION << 5 | int(claims.kind) << 2 | int(codec), claims.key_id])
    return head + claims.issued_at.to_bytes(4, "big") + bytes([n]) + packed


def unpack(blob: bytes) -> tuple[Claims, bytes, bytes]:
    """Split a decoded token into (claims, signed bytes, mac); refuse anything malformed."""
    if len(blob) < HEADER_BYTES:
        raise Refused(Reason.TRUNCATED, "shorter than the header")
    version, kind_bits, codec_bits = blob[0] >> 5, (blob[0] >> 2) & 0b111, blob[0] & 0b11
    if version != VERSION:
        raise Refused(Reason.UNSUPPORTED_VERSION, f"version {version}")
    if kind_bits not in {k.value for k in Kind} or codec_bits not in {c.value for c in Codec}:
        raise Refused(Reason.MALFORMED, "unknown kind or codec")
    codec, n = Codec(codec_bits), blob[6]
    end = HEADER_BYTES + _packed_len(codec, n)
    if len(blob) < end + MAC_BYTES:
        raise Refused(Reason.TRUNCATED, f"{len(blob)} of {end + MAC_BYTES} bytes")
    if len(blob) > end + MAC_BYTES:
        raise Refused(Reason.MALFORMED, "trailing bytes")
    code = _unpack_code(blob[HEADER_BYTES:end], codec, n)
    claims = Claims(Kind(kind_bits), code, blob[1], int.from_bytes(blob[2:6], "big"))
    if blob[1] == 0:
        raise Refused(Reason.UNKNOWN_KEY, "key id 0")
    return claims, blob[:end], blob[end:]


def to_text(blob: bytes) -> str:
    """Base32 without padding: upper-case letters and digits only, the QR alphanumeric set."""
    return base64.b32encode(blob).decode("ascii").rstrip("=")


def from_text(text: str) -> bytes:
    """Decode base32 text (case-insensitive, whitespace ignored); canonical spelling is checked by `parse`."""
    norm = "".join(text.split()).upper()
    if not norm:
        raise Refused(Reason.MALFORMED, "empty")
    if len(norm) % 8 in (1, 3, 6):
        raise Refused(Reason.TRUNCATED, "base32 length")
    try:
        return base64.b32decode(norm + "=" * (-len(norm) % 8))
    except (binascii.Error, ValueError) as exc:
        raise Refused(Reason.MALFORMED, "not base32") from exc


def parse(text: str) -> tuple[Claims, bytes, bytes]:
    """Claims, signed bytes and MAC of a token text; refuse non-canonical spellings.

    Base32 can spell the same bytes in two ways when the last character has unused bits; such a sibling
    is refused so that no altered character is ever accepted.
    """
    blob = from_text(text)
    parts = unpack(blob)
    if to_text(blob) != "".join(text.split()).upper():
        raise Refused(Reason.MALFORMED, "non-canonical base32")
    return parts
