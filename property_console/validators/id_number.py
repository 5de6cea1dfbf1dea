"""GB 11643-1999 citizen identity numbers: check digit, region, birth date and gender."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from property_console.errors import DomainError

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK_CHARS = "10X98765432"
# First two digits: province-level administrative division codes (GB/T 2260), 83 = Taiwan residence permit.
PROVINCE_CODES = frozenset(
    [
        "11",
        "12",
        "13",
        "14",
        "15",
        "21",
        "22",
        "23",
        "31",
        "32",
        "33",
        "34",
        "35",
        "36",
        "37",
        "41",
        "42",
        "43",
        "44",
        "45",
        "46",
        "50",
        "51",
        "52",
        "53",
        "54",
        "61",
        "62",
        "63",
        "64",
        "65",
        "71",
        "81",
        "82",
        "83",
    ]
)
_SHAPE = re.compile(r"^[0-9]{17}[0-9X]$")


@dataclass(frozen=True)
class IdNumberInfo:
    """What an ID number says about its holder."""

    number: str
    region: str
    birth_date: dt.date
    gender: str  # "male" | "female"


def check_digit(first17: str) -> str:
    """The 18th character for the first 17 digits (ISO 7064 MOD 11-2)."""
    total = sum(int(c) * w for c, w in zip(first17, WEIGHTS, strict=True))
    return CHECK_CHARS[total % 11]


def _err(code: str, zh: str, en: str, field: str) -> DomainError:
    return DomainError.one(f"id_number.{code}", zh, en, field)


def check_id_number(raw: str, *, field: str = "id_number", today: dt.date | None = None) -> IdNumberInfo:
    """Normalise and validate an 18-digit resident ID number; raise DomainError naming what is wrong."""
    number = raw.strip().upper().replace(" ", "")
    if not _SHAPE.match(number):
        raise _err(
            "format",
            "身份证号码应为18位：17位数字加1位数字或X",
            "ID number must be 17 digits plus a digit or X",
            field,
        )
    if number[:2] not in PROVINCE_CODES:
        raise _err("region", "身份证号码的地区码无效", "ID number has an unknown region code", field)
    try:
        birth = dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        raise _err(
            "birth_date", "身份证号码中的出生日期无效", "ID number contains an invalid birth date", field
        ) from None
    today = today or dt.date.today()
    if birth > today or birth.year < 1880:
        raise _err(
            "birth_date", "身份证号码中的出生日期不合理", "ID number birth date is out of range", field
        )
    if check_digit(number[:17]) != number[17]:
        raise _err("checksum", "身份证号码校验位错误", "ID number check digit is wrong", field)
    gender = "male" if int(number[16]) % 2 else "female"
    return IdNumberInfo(number=number, region=number[:6], birth_date=birth, gender=gender)


def mask_id_number(number: str) -> str:
    """Property-staff view: keep the first 4 and last 4 characters (3401**********1521)."""
    if len(number) <= 8:
        return "*" * len(number)
    return number[:4] + "*" * (len(number) - 8) + number[-4:]


def make_id_number(region: str, birth: dt.date, sequence: int) -> str:
    """Build a valid number (for seeding, tests and benchmarks): region, birth date, 3-digit sequence, check."""
    first17 = f"{region}{birth:%Y%m%d}{sequence % 1000:03d}"
    return first17 + check_digit(first17)
