"""Capture images stored once by SHA-256 (the same image from two events is one row)."""

from __future__ import annotations

import hashlib

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from property_console.models import Capture


def store_capture(session: Session, data: bytes, content_type: str) -> str:
    """Store the bytes unless a capture with the same hash exists; return the hash."""
    digest = hashlib.sha256(data).hexdigest()
    if session.get(Capture, digest) is not None:
        return digest
    try:
        with session.begin_nested():
            session.add(Capture(sha256=digest, content_type=content_type, size=len(data), data=data))
    except IntegrityError:  # another writer stored the same image in the meantime
        pass
    return digest


def delete_capture(session: Session, digest: str) -> bool:
    """Remove a capture (the uplink calls this once the district acknowledged it); events keep the hash."""
    found = session.get(Capture, digest)
    if found is None:
        return False
    session.delete(found)
    return True
