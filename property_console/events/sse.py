"""Reading the console's live stream (`/api/events/stream`) as a client does: benchmarks, tests, tools."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from typing import Any

CONNECTED = ": connected"  # the stream's first comment, sent once the subscription is live


def messages(lines: Iterable[str]) -> Iterator[tuple[str, Any]]:
    """(type, data) per message; ("connected", None) when the server says the subscription is live."""
    kind = ""
    for line in lines:
        if line.startswith(CONNECTED):
            yield "connected", None
        elif line.startswith("event: "):
            kind = line[7:]
        elif line.startswith("data: "):
            yield kind, json.loads(line[6:])
