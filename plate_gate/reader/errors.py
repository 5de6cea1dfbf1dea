"""Per-image read errors with a stable code and zh-CN / English messages."""

from __future__ import annotations


class ReadError(Exception):
    """An image that cannot be read; ``code`` is stable (image.empty, image.unreadable, ...)."""

    def __init__(self, code: str, message_zh: str, message_en: str) -> None:
        super().__init__(f"{code}: {message_en}")
        self.code = code
        self.message_zh = message_zh
        self.message_en = message_en

    def as_dict(self) -> dict[str, str]:
        """JSON-ready form used by the CLI and APIs."""
        return {"code": self.code, "message_zh": self.message_zh, "message_en": self.message_en}
