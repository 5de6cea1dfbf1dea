"""Turn a scanned patrol checkpoint QR into a patrol Scan, refusing anything but a genuine checkpoint code."""

from __future__ import annotations

from datetime import datetime

from qr_doorplate.patrol import Scan
from qr_doorplate.signing import Verifier
from qr_doorplate.token import Kind


def checkpoint_scan(verifier: Verifier, token_or_url: str, guard_id: str, at: datetime) -> Scan:
    """A Scan of the checkpoint the code names; raises Refused (e.g. wrong_kind for a door plate)."""
    claims = verifier.verify(token_or_url, expect=Kind.CHECKPOINT)
    return Scan(claims.code, guard_id, at)
