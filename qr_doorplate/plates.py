"""Standard blue plate sizes (大/中/小) and the QR code size each carries."""

from __future__ import annotations

from dataclasses import dataclass

BLUE = (0x0B / 255, 0x4E / 255, 0xA2 / 255)  # the usual 门牌 blue, white text
MIN_MODULE_MM = 0.7  # below this a phone at arm's length struggles with the 小 plate


@dataclass(frozen=True)
class PlateSpec:
    """One plate size in millimetres; code_mm is the QR symbol without its quiet zone."""

    name: str
    width_mm: float
    height_mm: float
    code_mm: float

    @property
    def margin_mm(self) -> float:
        """Inset of the white border line from the plate edge."""
        return self.height_mm * 0.045


PLATES: dict[str, PlateSpec] = {
    "大": PlateSpec("大", 570, 370, 120),
    "中": PlateSpec("中", 270, 170, 75),
    "小": PlateSpec("小", 150, 90, 40),
}
ALIASES = {"large": "大", "medium": "中", "small": "小", "l": "大", "m": "中", "s": "小"}


def plate_spec(name: str) -> PlateSpec:
    """Look a size up by its Chinese name (大/中/小) or English alias (large/medium/small)."""
    key = ALIASES.get(name.strip().lower(), name.strip())
    if key not in PLATES:
        raise ValueError(f"未知的门牌尺寸 {name!r}，可选 大/中/小 (unknown plate size)")
    return PLATES[key]
