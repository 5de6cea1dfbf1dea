"""Encode one batch of outbox rows (uplink/outbox.py `pending`), with the lookups the encoder needs."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from property_console.models.address import Address
from property_console.models.event import Capture
from property_console.uplink.viid import Item, encode


def _addresses(db: Session, items: list[Item]) -> dict[str, tuple[str, str]]:
    ids = {str(i.payload["address_id"]) for i in items if i.payload.get("address_id") and i.kind != "address"}
    if not ids:
        return {}
    stmt = select(Address.id, Address.code, Address.full_name).where(
        Address.id.in_([uuid.UUID(x) for x in ids])
    )
    return {str(a): (c, f) for a, c, f in db.execute(stmt)}


def _images(db: Session, items: list[Item]) -> dict[str, bytes]:
    shas = {s for i in items for s in i.captures}
    if not shas:
        return {}
    return dict(
        db.execute(select(Capture.sha256, Capture.data).where(Capture.sha256.in_(shas))).tuples().all()
    )


def encode_batch(db: Session, items: list[Item], community: str) -> list[tuple[Item, str, dict[str, Any]]]:
    """(item, endpoint key, VIID object) for every item, with addresses and images looked up once."""
    addrs, images = _addresses(db, items), _images(db, items)

    def addr(address_id: str | None) -> tuple[str | None, str | None]:
        return addrs.get(str(address_id), (None, None)) if address_id else (None, None)

    out = []
    for item in items:
        key, obj = encode(item, community, addr, images.get)
        out.append((item, key, obj))
    return out
