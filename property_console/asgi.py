"""An app factory for several web workers: `uvicorn --factory --workers 4 property_console.asgi:create`.

Each worker builds its own engine from SC_* settings; browsers on any worker get every committed event
through the database relay (events/relay.py). Run `sc init` (migrations) first; the bus and the district
uplink run in one `sc serve` process, not in these workers.
"""

from __future__ import annotations

from fastapi import FastAPI

from property_console.api.app import create_app
from property_console.config import get_settings
from property_console.runtime import open_runtime


def create() -> FastAPI:
    rt = open_runtime(get_settings(), migrate_db=False)  # workers must not race each other migrating
    return create_app(rt.settings, rt.engine)
