"""Ademco Contact ID (SIA DC-05) messages: ACCT MT QXYZ GG CCC S, checksum so all digits sum to 0 mod 15."""

from __future__ import annotations

from dataclasses import dataclass

_VALUES = {c: (10 if c == "0" else int(c, 16)) for c in "0123456789BCDEF"}
QUALIFIERS = {"1": "new", "3": "restore", "6": "status"}
EVENT_NAMES = {
    100: "medical",
    110: "fire",
    120: "panic",
    121: "duress",
    122: "silent_panic",
    123: "audible_panic",
    130: "burglary",
    131: "perimeter",
    132: "interior",
    133: "24_hour",
    134: "entry_exit",
    137: "tamper",
    144: "sensor_tamper",
    145: "expansion_tamper",
    301: "ac_loss",
    302: "low_battery",
    350: "communication_trouble",
    380: "sensor_trouble",
    383: "sensor_tamper_trouble",
    401: "open_close_user",
    570: "bypass",
    602: "periodic_test",
}


class ContactIdError(ValueError):
    """Malformed message or checksum mismatch."""


@dataclass(frozen=True, slots=True)
class ContactIdEvent:
    """A decoded Contact ID message; `qualifier` is the Q digit, `zone` the CCC field (zone or user)."""

    account: str
    message_type: str
    qualifier: str
    code: int
    partition: int
    zone: int

    @property
    def event_qualifier(self) -> str:
        """new (1, opening/alarm), restore (3, closing) or status (6)."""
        return QUALIFIERS[self.qualifier]

    @property
    def name(self) -> str:
        """Event name from the code table (`code_<n>` if unknown)."""
        return EVENT_NAMES.get(self.code, f"code_{self.code}")


def checksum_digit(digits15: str) -> str:
    """The 16th digit making the digit sum a multiple of 15 (0 counts as 10; a needed 0 is sent as F)."""
    total = sum(_VALUES[c] for c in digits15.upper())
    need = (15 - total % 15) % 15
    if need == 0:
        return "F"
    return "0" if need == 10 else format(need, "X")


def encode_contact_id(event: ContactIdEvent) -> str:
    """16 characters, no spaces."""
    e = event
    body = f"{e.account}{e.message_type}{e.qualifier}{e.code:03d}{e.partition:02d}{e.zone:03d}"
    if len(body) != 15:
        raise ContactIdError(f"fields do not fit: {event}")
    return body + checksum_digit(body)


def decode_contact_id(message: str) -> ContactIdEvent:
    """Parse `ACCTMTQXYZGGCCCS` (spaces ignored); raises ContactIdError."""
    text = message.replace(" ", "").upper()
    if len(text) != 16 or any(c not in _VALUES for c in text):
        raise ContactIdError(f"not a Contact ID message: {message!r}")
    if sum(_VALUES[c] for c in text) % 15:
        raise ContactIdError(f"Contact ID checksum mismatch: {message!r}")
    mt, q = text[4:6], text[6]
    if mt not in ("18", "98") or q not in QUALIFIERS:
        raise ContactIdError(f"bad message type/qualifier: {message!r}")
    if not text[7:15].isdigit():
        raise ContactIdError(f"event/partition/zone must be decimal: {message!r}")
    return ContactIdEvent(text[:4], mt, q, int(text[7:10]), int(text[10:12]), int(text[12:15]))
