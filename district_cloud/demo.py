"""The district receiver for `sc demo`: a SQLite district with one community and demo police users, in a thread."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import uvicorn

from district_cloud import admin
from district_cloud.app import create_district_app
from district_cloud.config import DistrictSettings
from district_cloud.db import open_district

DEMO_PASSWORD = "Demo@2026"


def serve_in_thread(
    data_dir: Path, port: int, community: str, name: str, uplink_password: str, webhook_url: str | None = None
) -> uvicorn.Server:
    """Migrate, enrol the community and users `district` / `police` (Demo@2026), serve on 127.0.0.1:port."""
    settings = DistrictSettings(mode="demo", data_dir=data_dir, port=port)
    d = open_district(settings)
    with d.sessions.begin() as db:
        admin.put_community(
            db,
            community,
            name,
            uplink_password,
            settings.realm,
            webhook_url=webhook_url,
            webhook_secret=uplink_password,
        )
        admin.put_user(db, "district", DEMO_PASSWORD, "district_police", "区分局民警")
        admin.put_user(db, "police", DEMO_PASSWORD, "community_police", "社区民警老张", community)
    app = create_district_app(settings, d.engine)
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    threading.Thread(target=server.run, name="district", daemon=True).start()
    deadline = time.monotonic() + 10
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    return server
