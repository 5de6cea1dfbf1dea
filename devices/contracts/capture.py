"""Images carried inside an event: the one size limit and the JPEG/PNG check, for edges and console alike."""

from __future__ import annotations

import base64
import binascii

from pydantic import BaseModel, ConfigDict, Field, field_validator
from pydantic_core import PydanticCustomError

MAX_CAPTURE_BYTES = 1024 * 1024
"""The largest image (decoded) an event or an alarm snapshot carries."""
MAX_CLIP_BYTES = 4 * 1024 * 1024
"""The largest video clip an alarm snapshot carries."""
IMAGE_MAGIC = {b"\xff\xd8\xff": "image/jpeg", b"\x89PNG\r\n\x1a\n": "image/png"}


def image_type(data: bytes) -> str | None:
    """`image/jpeg` or `image/png` from the first bytes, None for anything else."""
    return next((t for magic, t in IMAGE_MAGIC.items() if data.startswith(magic)), None)


def error(code: str, en: str, zh: str) -> PydanticCustomError:
    """A validation error with a stable code, an English message and its Chinese form in the context."""
    return PydanticCustomError(code, en, {"zh": zh})


class Capture(BaseModel):
    """A small JPEG or PNG carried in the event as base64 (at most MAX_CAPTURE_BYTES once decoded)."""

    model_config = ConfigDict(extra="forbid")

    data_b64: str = Field(max_length=MAX_CAPTURE_BYTES * 4 // 3 + 8)

    @classmethod
    def of(cls, data: bytes) -> Capture | None:
        """The capture for these image bytes, or None when they are too large or not a JPEG/PNG."""
        if len(data) > MAX_CAPTURE_BYTES or image_type(data) is None:
            return None
        return cls.model_construct(data_b64=base64.b64encode(data).decode("ascii"))

    def image(self) -> tuple[bytes, str]:
        """Decoded bytes and content type (validated already)."""
        data = base64.b64decode(self.data_b64, validate=True)
        return data, image_type(data) or "application/octet-stream"

    @field_validator("data_b64")
    @classmethod
    def _decodes_to_image(cls, value: str) -> str:
        try:
            data = base64.b64decode(value, validate=True)
        except (binascii.Error, ValueError):
            raise error(
                "capture.base64", "capture is not valid base64", "抓拍图片不是有效的base64编码"
            ) from None
        if len(data) > MAX_CAPTURE_BYTES:
            raise error("capture.too_large", "capture larger than 1 MiB", "抓拍图片超过1MB")
        if image_type(data) is None:
            raise error("capture.format", "capture must be a JPEG or PNG", "抓拍图片须为JPEG或PNG")
        return value
