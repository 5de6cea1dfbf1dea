"""Decode image bytes or files into BGR arrays, turning every bad input into a ReadError."""

from __future__ import annotations

import io
from pathlib import Path

import cv2
import numpy as np
from PIL import Image

from plate_gate.reader.errors import ReadError

MAX_PIXELS = 40_000_000
_MAGIC = (b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n", b"BM", b"RIFF")


def header_pixels(data: bytes) -> int:
    """Pixel count the file's header claims, without decoding it (0 when the header cannot be parsed)."""
    try:
        with Image.open(io.BytesIO(data)) as image:
            width, height = image.size
    except Image.DecompressionBombError:
        return MAX_PIXELS + 1
    except Exception:  # not parseable by Pillow: OpenCV decides below
        return 0
    return int(width) * int(height)


def decode_image(data: bytes) -> np.ndarray:
    """JPEG (also PNG/BMP/WebP camera snapshots) bytes to a 3-channel BGR array."""
    if not data:
        raise ReadError("image.empty", "图像文件为空", "image file is empty")
    if not data.startswith(_MAGIC):
        raise ReadError(
            "image.format", "不是 JPEG 图像（也接受 PNG/BMP/WebP）", "not a JPEG (or PNG/BMP/WebP) image"
        )
    if header_pixels(data) > MAX_PIXELS:  # before decoding: a small file can claim a huge image
        raise ReadError("image.too_large", "图像过大", f"image larger than {MAX_PIXELS} pixels")
    try:
        image = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_COLOR)
    except cv2.error:  # e.g. a header beyond OpenCV's own size limit
        image = None
    if image is None or image.size == 0:
        raise ReadError("image.unreadable", "图像已损坏或无法解码", "image is corrupt or cannot be decoded")
    if image.shape[0] * image.shape[1] > MAX_PIXELS:
        raise ReadError("image.too_large", "图像过大", f"image larger than {MAX_PIXELS} pixels")
    if min(image.shape[:2]) < 8:
        raise ReadError("image.too_small", "图像过小", "image is smaller than 8 pixels")
    return image


def load_image(path: str | Path) -> np.ndarray:
    """Read and decode an image file; missing or unreadable files raise ReadError."""
    try:
        data = Path(path).read_bytes()
    except FileNotFoundError as err:
        raise ReadError("image.not_found", "图像文件不存在", f"no such file: {path}") from err
    except OSError as err:
        raise ReadError("image.io", "无法读取图像文件", f"cannot read file: {err.strerror or err}") from err
    return decode_image(data)
