"""Print → decode round trip: PNG/SVG/PDF output read back with OpenCV's QR detector and verified."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import cv2
import numpy as np
import pytest

from qr_doorplate.addresses import PlateAddress
from qr_doorplate.issue import IssuedPlate, issue
from qr_doorplate.keyring import Keyring
from qr_doorplate.plates import PLATES, PlateSpec, plate_spec
from qr_doorplate.qr import QUIET_ZONE, make_symbol
from qr_doorplate.render import write_pdf, write_png, write_svg
from qr_doorplate.revocation import RevocationList
from qr_doorplate.signing import Verifier
from qr_doorplate.token import Kind
from tests.conftest import need_tool
from tests.qr_doorplate.doorplate_support import HOST, NOW, decode_qr


@pytest.fixture
def plates(addresses: list[PlateAddress], keyring: Keyring) -> list[IssuedPlate]:
    return issue(addresses[:4], keyring, HOST, NOW)


def _verify(keyring: Keyring, text: str) -> str:
    return Verifier(keyring, RevocationList(), HOST).verify(text).code


def _rotate(image: np.ndarray, degrees: float) -> np.ndarray:
    """Rotate about the centre on a white canvas large enough for the whole image."""
    h, w = image.shape
    m = cv2.getRotationMatrix2D((w / 2, h / 2), degrees, 1.0)
    cos, sin = abs(m[0, 0]), abs(m[0, 1])
    nw, nh = round(h * sin + w * cos), round(h * cos + w * sin)
    m[0, 2] += nw / 2 - w / 2
    m[1, 2] += nh / 2 - h / 2
    return cv2.warpAffine(image, m, (nw, nh), borderValue=255)


@pytest.fixture
def png_image(plates: list[IssuedPlate], tmp_path: Path) -> np.ndarray:
    path = write_png(plates[2], tmp_path / "plate.png", size_mm=40, dpi=200)
    image = cv2.imread(str(path), cv2.IMREAD_GRAYSCALE)
    assert image is not None
    return image


def test_png_has_the_physical_size_and_quiet_zone(plates: list[IssuedPlate], tmp_path: Path) -> None:
    path = write_png(plates[2], tmp_path / "p.png", size_mm=40, dpi=600)
    image = cv2.imread(str(path), cv2.IMREAD_GRAYSCALE)
    assert image is not None
    symbol = make_symbol(plates[2].url)
    module = image.shape[0] // (symbol.size + 2 * QUIET_ZONE)
    assert abs(module * symbol.size / 600 * 25.4 - 40) < 1.5
    border = QUIET_ZONE * module
    assert image[:border].min() == 255 and image[:, :border].min() == 255
    assert image[border : border + module, border : border + module].max() == 0  # finder pattern corner


@pytest.mark.parametrize("degrees", [0, 12, 33, 45, 90, 135, 180, 222, 270, 315])
def test_rotated_png_decodes_and_verifies(
    png_image: np.ndarray, plates: list[IssuedPlate], keyring: Keyring, degrees: int
) -> None:
    turned = _rotate(png_image, degrees)
    assert _verify(keyring, decode_qr(turned)) == plates[2].address.code


# 0.3x (about 2.5 px per module) failed for 2 of 400 random codes, so the suite was flaky; 0.35x decoded all
@pytest.mark.parametrize("factor", [0.35, 0.5, 1.7])
def test_scaled_png_decodes_and_verifies(
    png_image: np.ndarray, plates: list[IssuedPlate], keyring: Keyring, factor: float
) -> None:
    scaled = cv2.resize(png_image, None, fx=factor, fy=factor, interpolation=cv2.INTER_AREA)
    assert _verify(keyring, decode_qr(scaled)) == plates[2].address.code


# sigma 3.0 was at OpenCV's limit: it decoded or not depending on the symbol's content (issue time), which made
# the full suite flaky; 2.5 still blurs a module edge across several pixels.
@pytest.mark.parametrize(("kernel", "sigma"), [(5, 1.0), (9, 2.0), (11, 2.5)])
def test_blurred_png_decodes_and_verifies(
    png_image: np.ndarray, plates: list[IssuedPlate], keyring: Keyring, kernel: int, sigma: float
) -> None:
    blurred = cv2.GaussianBlur(png_image, (kernel, kernel), sigma)
    assert _verify(keyring, decode_qr(blurred)) == plates[2].address.code


def test_small_rotated_blurred_and_dimmed_png_still_decodes(
    png_image: np.ndarray, plates: list[IssuedPlate], keyring: Keyring
) -> None:
    small = cv2.resize(png_image, None, fx=0.5, fy=0.5, interpolation=cv2.INTER_AREA)  # ~4 px a module
    worn = cv2.GaussianBlur(_rotate(small, 27), (5, 5), 1.2)
    worn = (worn.astype(np.float32) * 0.6 + 60).astype(np.uint8)  # low contrast, as on a sunlit plate
    assert _verify(keyring, decode_qr(worn)) == plates[2].address.code


def test_heavily_damaged_code_is_not_misread(png_image: np.ndarray, keyring: Keyring) -> None:
    damaged = png_image.copy()
    h, w = damaged.shape
    damaged[h // 4 : 3 * h // 4, w // 4 : 3 * w // 4] = 255  # a quarter of the area wiped out
    assert decode_qr(damaged) == ""


def _svg_to_image(svg: str, px: int) -> np.ndarray:
    """Rasterise our SVG (one path of unit squares) by reading its path back."""
    total = int(re.search(r'viewBox="0 0 (\d+) \1"', svg).group(1))  # type: ignore[union-attr]
    grid = np.full((total, total), 255, dtype=np.uint8)
    for x, y in re.findall(r"M(\d+) (\d+)h1v1h-1z", svg):
        grid[int(y), int(x)] = 0
    return np.kron(grid, np.ones((px, px), dtype=np.uint8))


def test_svg_round_trip(plates: list[IssuedPlate], keyring: Keyring, tmp_path: Path) -> None:
    svg = write_svg(plates[0], tmp_path / "p.svg", size_mm=75).read_text(encoding="utf-8")
    symbol = make_symbol(plates[0].url)
    total_mm = 75 * (symbol.size + 2 * QUIET_ZONE) / symbol.size
    assert f'width="{total_mm:.2f}mm"' in svg
    assert f"<title>{plates[0].address.full_name}</title>" in svg
    image = _svg_to_image(svg, 6)
    assert _verify(keyring, decode_qr(image)) == plates[0].address.code


def test_symbol_is_small_enough_for_the_40mm_plate(plates: list[IssuedPlate]) -> None:
    for plate in plates:
        symbol = make_symbol(plate.url)
        assert symbol.version <= 6, plate.url
        assert 40 / symbol.size >= 0.95  # mm per module on the 小 plate


def _rasterise(pdf: Path, dpi: int, page: int) -> np.ndarray:
    need_tool(None if shutil.which("pdftoppm") else "pdftoppm (poppler-utils) is not installed")
    out = subprocess.run(
        ["pdftoppm", "-r", str(dpi), "-f", str(page), "-l", str(page), "-gray", str(pdf)],
        capture_output=True,
        check=True,
        timeout=60,
    ).stdout
    image = cv2.imdecode(np.frombuffer(out, dtype=np.uint8), cv2.IMREAD_GRAYSCALE)
    assert image is not None
    return image


@pytest.mark.parametrize(("size", "dpi"), [("小", 150), ("中", 90), ("大", 50)])
def test_pdf_page_rasterised_decodes_and_verifies(
    plates: list[IssuedPlate], keyring: Keyring, tmp_path: Path, size: str, dpi: int
) -> None:
    spec = plate_spec(size)
    calls: list[tuple[int, int]] = []
    pdf = write_pdf(
        plates, spec, tmp_path / "b.pdf", progress=lambda done, total: calls.append((done, total))
    )
    assert calls == [(i, len(plates)) for i in range(1, len(plates) + 1)]
    for page, plate in ((1, plates[0]), (len(plates), plates[-1])):
        image = _rasterise(pdf, dpi, page)
        expected = (round(spec.height_mm / 25.4 * dpi), round(spec.width_mm / 25.4 * dpi))
        assert abs(image.shape[0] - expected[0]) <= 1 and abs(image.shape[1] - expected[1]) <= 1
        assert _verify(keyring, decode_qr(image)) == plate.address.code


def test_pdf_carries_the_chinese_address_text(plates: list[IssuedPlate], tmp_path: Path) -> None:
    need_tool(None if shutil.which("pdftotext") else "pdftotext (poppler-utils) is not installed")
    pdf = write_pdf(plates, PLATES["中"], tmp_path / "b.pdf")
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, check=True, timeout=60).stdout
    pages = text.decode("utf-8").split("\f")
    for page, plate in zip(pages, plates, strict=False):
        flat = "".join(page.split())
        assert plate.address.label.replace(" ", "") in flat
        assert plate.address.full_name in flat
        assert plate.code_id in flat
    assert plates[3].address.kind is Kind.CHECKPOINT
    assert "请按路线顺序扫码" in pages[3] and "请按路线顺序扫码" not in pages[0]


def test_too_small_code_is_refused(plates: list[IssuedPlate], tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="too small"):
        write_pdf(plates, PlateSpec("微", 80, 50, 20), tmp_path / "x.pdf")


def test_empty_building_and_unknown_size_are_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError):
        write_pdf([], PLATES["小"], tmp_path / "x.pdf")
    with pytest.raises(ValueError, match="大/中/小"):
        plate_spec("特大")
    assert plate_spec("large") is PLATES["大"] and plate_spec(" 小 ") is PLATES["小"]


def test_pdf_page_photographed_at_an_angle_still_verifies(
    plates: list[IssuedPlate], keyring: Keyring, tmp_path: Path
) -> None:
    pdf = write_pdf(plates[2:3], PLATES["小"], tmp_path / "one.pdf")
    page = _rasterise(pdf, 120, 1)
    photo = cv2.GaussianBlur(_rotate(page, -23), (5, 5), 1.0)
    assert _verify(keyring, decode_qr(photo)) == plates[2].address.code
