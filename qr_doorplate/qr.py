"""QR symbol for a doorplate URL, as a module matrix, PNG bytes or SVG text."""

from __future__ import annotations

import io
from dataclasses import dataclass
from xml.sax.saxutils import escape

import numpy as np
import qrcode
from PIL import Image

# Q (25 % recovery): plates hang outdoors for years; dirt, scratches, a screw head or glare on enamel must not
# make them unreadable. H would add a symbol version (smaller modules on the 40 mm plate) for 5 % more.
ERROR_CORRECTION = qrcode.constants.ERROR_CORRECT_Q
QUIET_ZONE = 4  # modules, as ISO/IEC 18004 requires
MM_PER_INCH = 25.4


@dataclass(frozen=True)
class Symbol:
    """A QR symbol without its quiet zone; `dark[r][c]` is True for a dark module."""

    dark: tuple[tuple[bool, ...], ...]
    version: int

    @property
    def size(self) -> int:
        """Modules per side (without the quiet zone)."""
        return len(self.dark)


def make_symbol(text: str) -> Symbol:
    """Encode text with the doorplate error-correction level and the smallest version that fits."""
    qr = qrcode.QRCode(error_correction=ERROR_CORRECTION, border=0)
    qr.add_data(text)
    qr.make(fit=True)
    matrix = qr.get_matrix()
    return Symbol(tuple(tuple(bool(v) for v in row) for row in matrix), int(qr.version))


def symbol_image(symbol: Symbol, module_px: int) -> Image.Image:
    """Greyscale image of the symbol with its quiet zone, module_px pixels per module."""
    grid = np.ones((symbol.size + 2 * QUIET_ZONE,) * 2, dtype=np.uint8) * 255
    grid[QUIET_ZONE:-QUIET_ZONE, QUIET_ZONE:-QUIET_ZONE] = np.where(np.array(symbol.dark), 0, 255)
    return Image.fromarray(np.kron(grid, np.ones((module_px, module_px), dtype=np.uint8)), mode="L")


def png_bytes(symbol: Symbol, size_mm: float = 40.0, dpi: int = 600) -> bytes:
    """PNG of the symbol whose dark area is about size_mm wide at the given print resolution."""
    module_px = max(1, round(size_mm / MM_PER_INCH * dpi / symbol.size))
    out = io.BytesIO()
    symbol_image(symbol, module_px).save(out, format="PNG", dpi=(dpi, dpi), optimize=True)
    return out.getvalue()


def svg_text(symbol: Symbol, size_mm: float = 40.0, title: str = "") -> str:
    """Standalone SVG, sized in millimetres, one path of unit squares on a white quiet zone."""
    total = symbol.size + 2 * QUIET_ZONE
    mm = size_mm * total / symbol.size
    path = "".join(
        f"M{c + QUIET_ZONE} {r + QUIET_ZONE}h1v1h-1z"
        for r, row in enumerate(symbol.dark)
        for c, dark in enumerate(row)
        if dark
    )
    title_el = f"<title>{escape(title)}</title>" if title else ""
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{mm:.2f}mm" height="{mm:.2f}mm" '
        f'viewBox="0 0 {total} {total}" shape-rendering="crispEdges">{title_el}'
        f'<rect width="{total}" height="{total}" fill="#fff"/><path d="{path}" fill="#000"/></svg>\n'
    )
