"""An app factory for several web workers: `uvicorn --factory --workers 4 property_console.asgi:create`.

Each worker builds its own engine from SC_* settings; browsers on any worker get every committed event
through the database relay (events/relay.py). Run `sc init` (migrations) first; the bus bridge, gate
commands and the district uplink run in one `sc serve` process, not in these workers. With SC_MQTT_URL set
each worker also connects to the broker as a command client of its own: the perimeter's live state and
commands (arm, disarm, bypass, reset) and remote door opening then work on every worker.
"""

from __future__ import annotations

import os

from fastapi import FastAPI

from devices.bus import CommandClient, MqttTransport
from property_console.api.app import create_app
from property_console.bus_service import mqtt_settings
from property_console.config import get_settings
from property_console.events import broadcaster_for
from property_console.perimeter_link import PerimeterLink
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
        community = rt.settings.community_code
        app.state.perimeter = PerimeterLink(transport, community, broadcaster_for(rt.engine))
        app.state.door_commands = CommandClient(transport, community)
        app.router.on_shutdown.append(transport.stop)
    return app
