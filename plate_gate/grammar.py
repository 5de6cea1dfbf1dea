"""Chinese licence-plate grammar (GA 36): normalise, classify and validate plate strings."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

PROVINCES: str = "京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼"
"""The 31 province-level abbreviations that start a civilian plate."""

DIGITS = "0123456789"
LETTERS = "ABCDEFGHJKLMNPQRSTUVWXYZ"
"""Latin letters used on plates: I and O are never issued (confused with 1 and 0)."""
SERIAL_CHARS = LETTERS + DIGITS
NEW_ENERGY_LETTERS = "ABCDEFGHJK"
"""New-energy class letters: D/A/B/C/E pure electric, F/G/H/J/K other (GA 36-2018)."""
SUFFIXES = "警学挂港澳领"
EMERGENCY = "应急"
EMBASSY = "使"

_DROP = {" ", "\t", "\n", "·", "•", "・", "-", "－", ".", "．", "‧", "∙"}
_KIND_SUFFIX = {"警": "police", "学": "coach", "挂": "trailer", "港": "hk", "澳": "macau", "领": "consulate"}


class PlateError(ValueError):
    """A plate string that breaks GA 36; ``code`` names the rule, messages are zh-CN and English."""

    def __init__(self, code: str, message_zh: str, message_en: str) -> None:
        super().__init__(f"{code}: {message_en}")
        self.code = code
        self.message_zh = message_zh
        self.message_en = message_en


@dataclass(frozen=True)
class Plate:
    """A valid plate: normalised text, its GA 36 kind and whether it is a new-energy plate."""

    text: str
    kind: str
    new_energy: bool

    @property
    def province(self) -> str:
        """The leading province abbreviation ('' for embassy plates)."""
        return self.text[0] if self.text[0] in PROVINCES else ""

    @property
    def default_color(self) -> str:
        """The background colour GA 36 prescribes for this kind of plate (small cars for standard)."""
        if self.new_energy:
            return "green"
        if self.kind in ("police", "emergency"):
            return "white"
        if self.kind in ("hk", "macau", "embassy", "consulate"):
            return "black"
        if self.kind in ("coach", "trailer"):
            return "yellow"
        return "blue"


def normalize(text: str) -> str:
    """Strip separators and whitespace, fold full-width characters to ASCII and upper-case."""
    folded = unicodedata.normalize("NFKC", text)
    return "".join(ch for ch in folded if ch not in _DROP and not ch.isspace()).upper()


def _fail(code: str, zh: str, en: str) -> PlateError:
    return PlateError(code, zh, en)


def _check_letter(ch: str) -> None:
    if ch not in LETTERS:
        raise _fail(
            "plate.letter",
            f"发牌机关代号“{ch}”无效（应为 A–Z，不含 I、O）",
            f"issuing-authority letter {ch!r} is invalid (A-Z without I and O)",
        )


def _check_serial(serial: str, where: str = "") -> None:
    for ch in serial:
        if ch not in SERIAL_CHARS:
            raise _fail(
                "plate.serial",
                f"序号中的字符“{ch}”无效{where}（应为数字或不含 I、O 的字母）",
                f"serial character {ch!r} is invalid (digits or letters without I and O)",
            )


def _parse_embassy(t: str) -> Plate:
    body = t[1:] if t.startswith(EMBASSY) else t[:-1]
    if len(body) != 6:
        raise _fail("plate.length", "使馆号牌应为“使”加 6 位数字", "embassy plates are 使 plus 6 digits")
    if not body.isdigit() or not body.isascii():
        raise _fail("plate.serial", "使馆号牌序号应为 6 位数字", "embassy plate serial must be 6 digits")
    return Plate(t, "embassy", False)


def _parse_suffixed(t: str, kind: str) -> Plate:
    if len(t) != 7:
        raise _fail(
            "plate.length",
            f"带“{t[-1]}”字的号牌应为 7 个字符，实际 {len(t)} 个",
            f"plates ending in {t[-1]} have 7 characters, got {len(t)}",
        )
    if kind in ("hk", "macau"):
        if t[:2] != "粤Z":
            raise _fail("plate.suffix", "港澳号牌应以“粤Z”开头", "HK/Macau plates start with 粤Z")
    elif kind == "consulate" and not t[2:6].isdigit():
        raise _fail("plate.serial", "领馆号牌序号应为 4 位数字", "consulate plate serial must be 4 digits")
    _check_serial(t[2:6])
    return Plate(t, kind, False)


def _parse_eight(t: str) -> Plate:
    serial = t[2:]
    if serial[0] in NEW_ENERGY_LETTERS and serial[1] in SERIAL_CHARS and serial[2:].isdigit():
        return Plate(t, "new_energy_small", True)
    if serial[:5].isdigit() and serial[5] in NEW_ENERGY_LETTERS:
        return Plate(t, "new_energy_large", True)
    _check_serial(serial)
    raise _fail(
        "plate.serial",
        "新能源号牌序号应为 D/F 等类别字母加 5 位（小型车在首位，大型车在末位）",
        "new-energy serials carry a class letter (D/F/A-K) first (small) or last (large) with digits",
    )


def parse_plate(text: str) -> Plate:
    """Normalise ``text`` and check it against the GA 36 formats; raise PlateError naming the fault."""
    t = normalize(text)
    if not t:
        raise _fail("plate.length", "号牌为空", "plate is empty")
    if EMBASSY in (t[0], t[-1]) and t[0] not in PROVINCES:
        return _parse_embassy(t)
    if t[0] not in PROVINCES:
        raise _fail("plate.province", f"省份简称“{t[0]}”无效", f"{t[0]!r} is not a province abbreviation")
    if len(t) < 2:
        raise _fail("plate.length", "号牌过短", "plate is too short")
    _check_letter(t[1])
    if t.endswith(EMERGENCY):
        if len(t) != 8:
            raise _fail("plate.length", "应急号牌应为 8 个字符", "emergency plates have 8 characters")
        _check_serial(t[2:6])
        return Plate(t, "emergency", False)
    if t[-1] in _KIND_SUFFIX:
        return _parse_suffixed(t, _KIND_SUFFIX[t[-1]])
    odd = next((ch for ch in t[2:] if not ch.isascii()), None)
    if odd is not None:
        raise _fail("plate.suffix", f"“{odd}”不是有效的号牌后缀", f"{odd!r} is not a valid plate suffix")
    if len(t) == 7:
        _check_serial(t[2:])
        return Plate(t, "standard", False)
    if len(t) == 8:
        return _parse_eight(t)
    raise _fail(
        "plate.length",
        f"号牌应为 7 或 8 个字符，实际 {len(t)} 个",
        f"plates have 7 or 8 characters, got {len(t)}",
    )


def is_valid_plate(text: str) -> bool:
    """True when ``text`` is a valid GA 36 plate after normalisation."""
    try:
        parse_plate(text)
    except PlateError:
        return False
    return True
