"""Upload checks: size limit while reading, and the bytes must decode as the image type they claim."""

from __future__ import annotations

import cv2
import numpy as np
from fastapi import UploadFile

from devices.contracts.capture import image_type as claimed_type
from property_console.errors import DomainError


async def read_limited(file: UploadFile, limit: int, field: str = "file") -> bytes:
    """Read at most `limit` bytes; a larger upload is refused with 413 and nothing kept."""
    chunks, size = [], 0
    while chunk := await file.read(64 * 1024):
        size += len(chunk)
        if size > limit:
            raise DomainError.one(
                "upload.too_large",
                f"文件过大，最大允许 {limit // 1024} KB",
                f"Upload exceeds {limit} bytes",
                field,
                status_code=413,
            )
        chunks.append(chunk)
    return b"".join(chunks)


def image_type(data: bytes) -> str:
    """The image's MIME type if it is a JPEG or PNG that really decodes; DomainError otherwise."""
    kind = claimed_type(data)
    img = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_COLOR) if kind else None
    if kind is None or img is None:
        raise DomainError.one(
            "upload.image", "文件不是有效的JPEG或PNG图片", "File is not a valid JPEG or PNG image", "file"
        )
    return kind


async def read_image_upload(file: UploadFile, limit: int) -> tuple[bytes, str]:
    data = await read_limited(file, limit)
    return data, image_type(data)
