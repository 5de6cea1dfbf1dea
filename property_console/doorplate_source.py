"""Doorplate addresses from the console database: a building, its units and its rooms, in code order."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, sessionmaker

from property_console.models import Address
from qr_doorplate.addresses import AddressSource, ListAddressSource, PlateAddress

PRINTED_LEVELS = ("building", "unit", "room")  # floors get no plate


class DatabaseAddressSource:
    """Implements qr_doorplate's AddressSource over the standard address table."""

    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self.sessions = sessions

    def building(self, building_code: str) -> list[PlateAddress]:
        stmt = (
            select(Address)
            .where(or_(Address.code == building_code, Address.code.startswith(building_code + "-")))
            .where(Address.level.in_(PRINTED_LEVELS))
            .order_by(Address.code)
        )
        with self.sessions() as db:
            rows = db.execute(stmt).scalars().all()
        if not rows or rows[0].level != "building":
            return []
        return [
            PlateAddress(code=a.code, full_name=a.full_name, label=a.name, building=building_code)
            for a in rows
        ]


def source_factory(sessions: Callable[[], sessionmaker[Session]]) -> Callable[[Path | None], AddressSource]:
    """Build the doorplate CLI's factory: an --addresses file wins, otherwise the database."""

    def make(path: Path | None) -> AddressSource:
        if path is not None:
            return ListAddressSource.from_file(path)
        return DatabaseAddressSource(sessions())

    return make
