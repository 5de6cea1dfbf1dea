"""An app factory for several web workers: `uvicorn --factory --workers 4 property_console.asgi:create`.

Each worker builds its own engine from SC_* settings; browsers on any worker get every committed event
through the database relay (events/relay.py). Run `sc init` (migrations) first; the bus bridge and the
district uplink run in one `sc serve` process, not in these workers. With SC_MQTT_URL set each worker also
connects to the broker as a command client of its own: the perimeter's live state and commands (arm, disarm,
bypass, reset), remote door opening and gate confirmations then work on every worker.
"""

from __future__ import annotations

import os

from fastapi import FastAPI

from devices.bus import MqttTransport
from property_console.api.app import create_app
from property_console.api.services import services_of
from property_console.bus_service import mqtt_settings
from property_console.config import get_settings
from property_console.runtime import open_runtime


def create() -> FastAPI:
    rt = open_runtime(get_settings(), migrate_db=False)  # workers must not race each other migrating
    app = create_app(rt.settings, rt.engine)
    if rt.settings.mqtt_url:
        worker = f"sc-console-web-{os.getpid()}"  # one client id per worker: the broker keeps them apart
        transport = MqttTransport(
            mqtt_settings(rt.settings.mqtt_url).model_copy(
                update={"client_id": worker, "clean_session": True}
            )
        )
        transport.start()
        services_of(app).attach_bus(transport)
        app.router.on_shutdown.append(transport.stop)
    return app
