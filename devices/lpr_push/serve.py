"""Run an ASGI app with uvicorn in a background thread (for the receiver in sims, tests and `sc sim lpr`)."""

from __future__ import annotations

import threading
import time
from typing import Any

import uvicorn


class ServerThread:
    """uvicorn.Server in a daemon thread; `stop()` shuts it down."""

    def __init__(self, app: Any, host: str = "127.0.0.1", port: int = 8088) -> None:
        config = uvicorn.Config(app, host=host, port=port, log_level="warning", lifespan="off")
        self.server = uvicorn.Server(config)
        self.host, self.port = host, port
        self._thread = threading.Thread(target=self.server.run, name="uvicorn", daemon=True)

    def start(self, timeout: float = 10.0) -> ServerThread:
        """Start and wait until it accepts connections."""
        self._thread.start()
        deadline = time.monotonic() + timeout
        while not self.server.started:
            if time.monotonic() > deadline or not self._thread.is_alive():
                raise RuntimeError(f"uvicorn did not start on {self.host}:{self.port}")
            time.sleep(0.02)
        return self

    def stop(self) -> None:
        """Ask uvicorn to exit and join."""
        self.server.should_exit = True
        self._thread.join(10)
