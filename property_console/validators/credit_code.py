"""GB 32100-2015 unified social credit codes (统一社会信用代码) with their check character."""

from __future__ import annotations

import re

from property_console.errors import DomainError

CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # 31 characters: no I, O, Z, S, V
WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
# Registration authority (1st char) → allowed organisation types (2nd char).
AUTHORITIES = {
    "1": "1239",
    "2": "19",
    "3": "12345",
    "4": "129",
    "5": "1239",
    "6": "129",
    "7": "129",
    "8": "19",
    "9": "123",
    "A": "19",
    "N": "12349",
    "Y": "1",
}
_SHAPE = re.compile(rf"^[{CHARSET}]{{18}}$")


def credit_check_char(first17: str) -> str:
    """The 18th character for the first 17 (weights 3^i mod 31, check = 31 - sum mod 31)."""
    total = sum(CHARSET.index(c) * w for c, w in zip(first17, WEIGHTS, strict=True))
    return CHARSET[(31 - total % 31) % 31]


def check_credit_code(raw: str, *, field: str = "credit_code") -> str:
    """Normalise and validate a credit code; return it upper-cased or raise DomainError."""
    code = raw.strip().upper().replace(" ", "")
    if not _SHAPE.match(code):
        raise DomainError.one(
            "credit_code.format",
            "统一社会信用代码应为18位数字或大写字母（不含I、O、Z、S、V）",
            "Credit code must be 18 digits or capital letters (no I, O, Z, S, V)",
            field,
        )
    if code[1] not in AUTHORITIES.get(code[0], ""):
        raise DomainError.one(
            "credit_code.authority",
            "统一社会信用代码的登记管理部门或机构类别代码无效",
            "Credit code has an invalid registration authority or organisation type",
            field,
        )
    if not code[2:8].isdigit():
        raise DomainError.one(
            "credit_code.region",
            "统一社会信用代码的行政区划码无效",
            "Credit code region must be 6 digits",
            field,
        )
    if credit_check_char(code[:17]) != code[17]:
        raise DomainError.one(
            "credit_code.checksum",
            "统一社会信用代码校验位错误",
            "Credit code check character is wrong",
            field,
        )
    return code
