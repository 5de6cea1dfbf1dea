"""`sc doorplate`: the QR doorplate commands, reading addresses from the console's database unless --addresses."""

from __future__ import annotations

from pathlib import Path

from qr_doorplate import cli
from qr_doorplate.addresses import AddressSource


def console_addresses(path: Path | None) -> AddressSource:
    """An --addresses file wins; otherwise the console's database (the console is loaded only then)."""
    from property_console.cli import runtime
    from property_console.doorplate_source import source_factory

    return source_factory(lambda: runtime().sessions)(path)


cli.address_source_factory = console_addresses
app = cli.app
