"""A real district receiver on a real port (uvicorn in a thread) that tests can stop and start again."""

from __future__ import annotations

import threading
import time

import uvicorn

from devices.net import free_port
from district_cloud.app import create_district_app
from district_cloud.db import District


class LiveDistrict:
    def __init__(self, district: District, port: int | None = None) -> None:
        self.district, self.port = district, port or free_port()
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> LiveDistrict:
        app = create_district_app(self.district.settings, self.district.engine)
        self._server = uvicorn.Server(
            uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="warning")
        )
        self._thread = threading.Thread(target=self._server.run, daemon=True)
        self._thread.start()
        deadline = time.monotonic() + 10
        while not self._server.started:
            if time.monotonic() > deadline:
                raise RuntimeError("district did not start")
            time.sleep(0.02)
        return self

    def stop(self) -> None:
        if self._server is not None and self._thread is not None:
            self._server.should_exit = True
            self._thread.join(timeout=10)
        self._server = self._thread = None
