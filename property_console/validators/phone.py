"""Mainland China phone numbers: mobiles and landlines, normalised to digits."""

from __future__ import annotations

import re

from property_console.errors import DomainError

_MOBILE = re.compile(r"^1[3-9][0-9]{9}$")
_LANDLINE = re.compile(r"^0[0-9]{2,3}[0-9]{7,8}$")


def normalise_phone(raw: str, *, field: str = "phone") -> str:
    """Return the number as digits (landlines as 0AA-NNNNNNNN) or raise DomainError."""
    s = re.sub(r"[\s()（）]", "", raw.strip())
    for prefix in ("+86", "0086"):
        if s.startswith(prefix):
            s = s[len(prefix) :]
    digits = s.replace("-", "")
    if _MOBILE.match(digits):
        return digits
    if _LANDLINE.match(digits):
        area = 3 if digits[1] in "12" else 4  # 010, 02x are 3 digits; others 4
        return f"{digits[:area]}-{digits[area:]}"
    raise DomainError.one(
        "phone.format",
        "电话号码格式不正确：应为11位手机号或带区号的固定电话",
        "Phone must be an 11-digit mobile number or a landline with area code",
        field,
    )


def mask_phone(number: str) -> str:
    """Staff view of a phone: 138****5678."""
    digits = number.replace("-", "")
    if len(digits) < 7:
        return "*" * len(digits)
    return digits[:3] + "*" * (len(digits) - 7) + digits[-4:]
