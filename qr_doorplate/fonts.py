"""A CJK font for plate PDFs: an embedded TrueType font if installed, else reportlab's STSong-Light."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfbase.ttfonts import TTFont

# TrueType (glyf) CJK fonts from Debian packages; CFF-based .otf (Noto CJK) cannot be embedded by reportlab.
CANDIDATES = (
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",
    "/usr/share/fonts/truetype/arphic/uming.ttc",
)
CID_FONT = "STSong-Light"


@dataclass(frozen=True)
class PlateFont:
    """Registered font name and whether its glyphs are embedded in the PDF."""

    name: str
    embedded: bool
    source: str


def load_font(path: Path | None = None) -> PlateFont:
    """Register the configured or first installed CJK TrueType font; fall back to the built-in CID font.

    The CID font needs no file (reportlab ships its metrics) but is not embedded: the viewer or the print
    shop's RIP substitutes a Song face. Embedding is preferred for print, so install fonts-wqy-zenhei.
    """
    candidates = [path] if path is not None else [Path(p) for p in CANDIDATES]
    for candidate in candidates:
        if candidate.is_file():
            name = f"Doorplate-{candidate.stem}"
            if name not in pdfmetrics.getRegisteredFontNames():
                pdfmetrics.registerFont(TTFont(name, str(candidate), subfontIndex=0))
            return PlateFont(name, True, str(candidate))
    if path is not None:
        raise FileNotFoundError(f"字体文件不存在 (font not found): {path}")
    if CID_FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(CID_FONT))
    return PlateFont(CID_FONT, False, "reportlab built-in CID font")
