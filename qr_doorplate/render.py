"""Printable output: PNG/SVG per address and a PDF of blue plates per building (one plate per page)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas

from qr_doorplate.fonts import PlateFont, load_font
from qr_doorplate.issue import IssuedPlate
from qr_doorplate.plates import BLUE, MIN_MODULE_MM, PlateSpec
from qr_doorplate.qr import QUIET_ZONE, Symbol, make_symbol, png_bytes, svg_text
from qr_doorplate.token import Kind

Progress = Callable[[int, int], None]  # (done, total)


def write_png(plate: IssuedPlate, out: Path, size_mm: float = 40.0, dpi: int = 600) -> Path:
    """PNG of one plate's QR symbol."""
    out.write_bytes(png_bytes(make_symbol(plate.url), size_mm, dpi))
    return out


def write_svg(plate: IssuedPlate, out: Path, size_mm: float = 40.0) -> Path:
    """SVG of one plate's QR symbol, titled with the address."""
    out.write_text(svg_text(make_symbol(plate.url), size_mm, plate.address.full_name), encoding="utf-8")
    return out


def _draw_symbol(canvas: Canvas, symbol: Symbol, x: float, y: float, module: float) -> None:
    """Dark modules as filled rectangles (runs merged per row), top-left of the symbol at (x, y)."""
    path = canvas.beginPath()
    for r, row in enumerate(symbol.dark):
        c = 0
        while c < symbol.size:
            if not row[c]:
                c += 1
                continue
            start = c
            while c < symbol.size and row[c]:
                c += 1
            path.rect(x + start * module, y - (r + 1) * module, (c - start) * module, module)
    canvas.setFillColorRGB(0, 0, 0)
    canvas.drawPath(path, stroke=0, fill=1)


def _fit(text: str, font: str, width: float, size: float) -> float:
    """Largest font size up to `size` at which text fits in width."""
    return min(size, size * width / max(stringWidth(text, font, size), 1e-6))


def _wrap(text: str, font: str, size: float, width: float, max_lines: int) -> list[str]:
    """Greedy per-character wrap (Chinese has no spaces); the last line takes the rest."""
    lines: list[str] = []
    current = ""
    for ch in text:
        if current and stringWidth(current + ch, font, size) > width and len(lines) < max_lines - 1:
            lines.append(current)
            current = ""
        current += ch
    return [*lines, current]


@dataclass(frozen=True)
class _Box:
    x: float
    y: float
    w: float
    h: float


def _draw_text(canvas: Canvas, plate: IssuedPlate, font: str, box: _Box) -> None:
    """White text: label large, full address below, centred; hint and code id along the bottom."""
    address = plate.address
    hint = "巡更点 · 请按路线顺序扫码" if address.kind is Kind.CHECKPOINT else "扫码查看门牌信息、登记居住"
    footer = f"{hint}  编号 {plate.code_id}"
    small = _fit(footer, font, box.w, max(box.h * 0.065, 2.5 * mm))
    label_size = _fit(address.label, font, box.w, box.h * 0.34)
    full_size = max(_fit(address.full_name, font, box.w, box.h * 0.13), box.h * 0.085)
    lines = _wrap(address.full_name, font, full_size, box.w, 2)
    full_size = min(full_size, *(_fit(line, font, box.w, full_size) for line in lines))
    block = label_size * 1.3 + len(lines) * full_size * 1.25
    free = box.h - small * 2
    top = box.y + box.h - max(0.0, (free - block) / 2)
    canvas.setFillColorRGB(1, 1, 1)
    canvas.setFont(font, label_size)
    canvas.drawString(box.x, top - label_size * 0.95, address.label)
    canvas.setFont(font, full_size)
    for i, line in enumerate(lines):
        canvas.drawString(box.x, top - label_size * 1.3 - (i + 1) * full_size * 1.2, line)
    canvas.setFont(font, small)
    canvas.drawString(box.x, box.y, footer)


def draw_plate(canvas: Canvas, plate: IssuedPlate, spec: PlateSpec, font: str) -> None:
    """One plate on the current page: blue ground, white border, QR on white at left, text at right."""
    w, h, m = spec.width_mm * mm, spec.height_mm * mm, spec.margin_mm * mm
    canvas.setFillColorRGB(*BLUE)
    canvas.rect(0, 0, w, h, stroke=0, fill=1)
    canvas.setStrokeColorRGB(1, 1, 1)
    canvas.setLineWidth(h * 0.012)
    canvas.roundRect(m, m, w - 2 * m, h - 2 * m, h * 0.04, stroke=1, fill=0)
    symbol = make_symbol(plate.url)
    module = spec.code_mm * mm / symbol.size
    if module < MIN_MODULE_MM * mm:
        raise ValueError(
            f"{plate.address.code}: QR module {module / mm:.2f} mm too small; shorten host or code"
        )
    square = spec.code_mm * mm + 2 * QUIET_ZONE * module
    sx, sy = m * 2.2, (h - square) / 2
    canvas.setFillColorRGB(1, 1, 1)
    canvas.rect(sx, sy, square, square, stroke=0, fill=1)
    _draw_symbol(canvas, symbol, sx + QUIET_ZONE * module, sy + square - QUIET_ZONE * module, module)
    tx = sx + square + m * 1.5
    _draw_text(canvas, plate, font, _Box(tx, m * 2.5, w - tx - m * 2.5, h - m * 5))


def write_pdf(
    plates: Sequence[IssuedPlate],
    spec: PlateSpec,
    out: Path,
    font: PlateFont | None = None,
    progress: Progress | None = None,
) -> Path:
    """A PDF with one page per plate, page size = plate size, ready for the sign maker."""
    if not plates:
        raise ValueError("没有可打印的门牌 (no plates to print)")
    font = font or load_font()
    canvas = Canvas(str(out), pagesize=(spec.width_mm * mm, spec.height_mm * mm), pageCompression=1)
    canvas.setTitle(f"门牌 {plates[0].address.building} ({spec.name}, {len(plates)} 块)")
    canvas.setCreator("smart-safe-community qr_doorplate")
    for i, plate in enumerate(plates, start=1):
        draw_plate(canvas, plate, spec, font.name)
        canvas.showPage()
        if progress is not None:
            progress(i, len(plates))
    canvas.save()
    return out
