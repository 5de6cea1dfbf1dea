"""Issue codes for addresses: sign each one and build the URL that goes into its QR symbol."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from qr_doorplate.addresses import PlateAddress
from qr_doorplate.keyring import Keyring
from qr_doorplate.signing import sign, token_url
from qr_doorplate.token import parse


@dataclass(frozen=True)
class IssuedPlate:
    """An address with its freshly signed token, QR URL and printed code id."""

    address: PlateAddress
    token: str
    url: str
    code_id: str


def issue(addresses: Iterable[PlateAddress], keyring: Keyring, host: str, now: datetime) -> list[IssuedPlate]:
    """Sign one code per address with the active key, all with the same issue time."""
    plates = []
    for address in addresses:
        token = sign(keyring, address.kind, address.code, now)
        claims, _, _ = parse(token)
        plates.append(IssuedPlate(address, token, token_url(host, token), claims.code_id))
    return plates


def append_issue_log(path: Path, plates: Iterable[IssuedPlate]) -> None:
    """Append one JSON line per printed plate (code id, address code, key, time): what to revoke later."""
    lines = []
    for plate in plates:
        claims, _, _ = parse(plate.token)
        entry = {
            "code_id": plate.code_id,
            "code": claims.code,
            "kind": claims.kind.name.lower(),
            "building": plate.address.building,
            "key_id": claims.key_id,
            "issued_at": claims.issued_at,
        }
        lines.append(json.dumps(entry, ensure_ascii=False))
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a", encoding="utf-8") as fh:
        fh.write("".join(f"{line}\n" for line in lines))
