"""Run the console with uvicorn, plus the embedded services `sc demo` and `sc serve` bring up."""

from __future__ import annotations

import uvicorn

from property_console.api.app import create_app
from property_console.runtime import Runtime


def run(rt: Runtime, host: str, port: int) -> None:
    app = create_app(rt.settings, rt.engine)
    uvicorn.run(app, host=host, port=port, log_level="info")
