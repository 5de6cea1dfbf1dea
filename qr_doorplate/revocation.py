"""Revoked codes: by code id, by address and issue time, or all codes of an address issued before a time."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from qr_doorplate.keyring import write_private
from qr_doorplate.token import Claims


@dataclass(frozen=True)
class Revocation:
    """One entry; exactly one of code_id, (code, issued_at) or (code, issued_before) is used."""

    revoked_at: datetime
    reason: str = ""
    code_id: str | None = None
    code: str | None = None
    issued_at: int | None = None
    issued_before: int | None = None

    def __post_init__(self) -> None:
        by_id = self.code_id is not None
        by_addr = self.code is not None and (self.issued_at is None) != (self.issued_before is None)
        if by_id == by_addr or (by_id and self.code is not None):
            raise ValueError("revoke either by code id, or by address code with issued_at or issued_before")

    def matches(self, claims: Claims) -> bool:
        """Whether this entry revokes the given code."""
        if self.code_id is not None:
            return self.code_id == claims.code_id
        if self.code != claims.code:
            return False
        if self.issued_at is not None:
            return claims.issued_at == self.issued_at
        return self.issued_before is not None and claims.issued_at < self.issued_before


@dataclass(frozen=True)
class RevocationList:
    """All revocations; immutable, `add` returns a new list."""

    entries: tuple[Revocation, ...] = ()

    def find(self, claims: Claims) -> Revocation | None:
        """The first entry revoking this code, if any."""
        return next((e for e in self.entries if e.matches(claims)), None)

    def add(self, entry: Revocation) -> RevocationList:
        """A list with one more entry."""
        return RevocationList((*self.entries, entry))


class RevocationStore:
    """JSON file beside the keyring (0600: it tells which plates are void)."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def load(self) -> RevocationList:
        """The stored list, empty if none."""
        if not self.path.exists():
            return RevocationList()
        data = json.loads(self.path.read_text(encoding="utf-8"))
        return RevocationList(
            tuple(
                Revocation(
                    revoked_at=datetime.fromisoformat(raw["revoked_at"]),
                    reason=raw.get("reason", ""),
                    code_id=raw.get("code_id"),
                    code=raw.get("code"),
                    issued_at=raw.get("issued_at"),
                    issued_before=raw.get("issued_before"),
                )
                for raw in data["entries"]
            )
        )

    def save(self, revocations: RevocationList) -> None:
        """Persist the list."""
        entries = [
            {k: v for k, v in vars(e).items() if v is not None and k != "revoked_at"}
            | {"revoked_at": e.revoked_at.isoformat()}
            for e in revocations.entries
        ]
        write_private(self.path, json.dumps({"format": 1, "entries": entries}, ensure_ascii=False, indent=2))
