"""Start the delivery loop for a console runtime when SC_UPLINK_URL is set."""

from __future__ import annotations

import logging

from fastapi import FastAPI

from property_console.api.services import services_of
from property_console.runtime import Runtime
from property_console.uplink.delivery import UplinkWorker
from property_console.uplink.settings import UplinkSettings
from property_console.uplink.transport import DistrictTransport, HttpTransport

log = logging.getLogger(__name__)


def start_uplink(rt: Runtime, app: FastAPI, settings: UplinkSettings | None = None) -> UplinkWorker | None:
    """Run the worker in a thread and expose it to /api/uplink/status; None when no district is configured."""
    settings = settings or UplinkSettings()
    if not settings.url:
        log.info("uplink not configured (SC_UPLINK_URL empty); the outbox keeps filling")
        return None
    community = rt.settings.community_code
    worker = UplinkWorker(rt.sessions, settings, make_transport(settings, community), community).start()
    services_of(app).uplink = worker
    return worker


def make_transport(settings: UplinkSettings, community: str) -> DistrictTransport:
    """SC_UPLINK_TRANSPORT: http (default) or mqtt."""
    if settings.transport == "mqtt":
        from property_console.uplink.mqtt_transport import MqttUplinkTransport

        return MqttUplinkTransport(settings, community)
    return HttpTransport(settings, community)
