"""Image loading with a clear per-file error for corrupt or non-image files."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np


class ImageLoadError(ValueError):
    """A file that is missing, unreadable or not a decodable image."""

    def __init__(self, path: str | Path, code: str, message_zh: str) -> None:
        self.path = str(path)
        self.code = code
        self.message_zh = message_zh
        super().__init__(f"{path}: {message_zh} ({code})")


def load_rgb(path: str | Path) -> np.ndarray:
    """Read an image file into an RGB uint8 array (H, W, 3), raising ImageLoadError."""
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise ImageLoadError(path, "unreadable_file", f"无法读取文件：{exc.strerror}") from exc
    return decode_rgb(data, path)


def decode_rgb(data: bytes, path: str | Path = "<bytes>") -> np.ndarray:
    """Decode encoded image bytes (JPEG/PNG/...) into an RGB uint8 array."""
    if not data:
        raise ImageLoadError(path, "empty_file", "文件为空")
    buf = np.frombuffer(data, dtype=np.uint8)
    bgr = cv2.imdecode(buf, cv2.IMREAD_COLOR)
    if bgr is None:
        raise ImageLoadError(path, "not_an_image", "不是可识别的图片文件或文件已损坏")
    return np.ascontiguousarray(bgr[:, :, ::-1])
