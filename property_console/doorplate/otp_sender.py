"""Where one-time codes go: a pluggable sender; demo and test write them to a log file, never to stdout."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Protocol

log = logging.getLogger(__name__)


class OtpSender(Protocol):
    """Delivers a code to a phone (an SMS gateway in production)."""

    def send(self, phone: str, code: str) -> None: ...


class FileSender:
    """Appends `phone code` lines to a private file (demo/test: read it to log in)."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def send(self, phone: str, code: str) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self.path.open("a", encoding="utf-8") as fh:
            fh.write(f"{phone} {code}\n")
        self.path.chmod(0o600)
        log.info("one-time code for %s written to %s", phone[:3] + "****" + phone[-4:], self.path)


class MemorySender:
    """Keeps the last code per phone (tests)."""

    def __init__(self) -> None:
        self.sent: dict[str, str] = {}

    def send(self, phone: str, code: str) -> None:
        self.sent[phone] = code
