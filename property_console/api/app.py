"""create_app(): the console API and web pages, built from explicit dependencies (easy to test)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, FastAPI
from fastapi.staticfiles import StaticFiles
from sqlalchemy import Engine, text
from sqlalchemy.orm import Session

from property_console import doorplate  # QR doorplate scan page and patrol (issue 8)
from property_console.api import errors
from property_console.api.deps import public
from property_console.api.policy import enforce_default_deny
from property_console.api.routes import (
    access_sync,
    addresses,
    alarms,
    audit,
    auth,
    dashboard,
    devices,
    doors,
    events,
    excel,
    gate_lists,
    gate_sync,
    gates,
    houses,
    organisations,
    perimeter,
    persons,
    reports,
    residencies,
    users,
    vehicles,
    visitor_passes,
    visitors,
)
from property_console.api.services import ConsoleServices, services_of
from property_console.config import Settings
from property_console.db import make_sessionmaker
from property_console.events.housekeeping import Housekeeping
from property_console.uplink import api as uplink_api
from property_console.web import pages

WEB = Path(__file__).resolve().parent.parent / "web"
health = APIRouter(tags=["health"])


@health.get("/api/health")
def health_check(db: Annotated[Session, public()]) -> dict[str, Any]:
    db.execute(text("SELECT 1"))
    return {"status": "ok"}


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    """While the app serves: housekeeping prunes the short-lived tables (events/housekeeping.py)."""
    housekeeping = Housekeeping(services_of(app).engine).start()
    try:
        yield
    finally:
        housekeeping.stop()


def create_app(settings: Settings, engine: Engine, extra_routers: list[APIRouter] | None = None) -> FastAPI:
    """Build the app and its typed services (`services_of(app)`; a bus is attached with
    `services_of(app).attach_bus(transport)`); refuses to start if any route lacks a permission (default deny)."""
    app = FastAPI(
        lifespan=lifespan,
        title="智慧平安小区 物业管理平台",
        version="0.1.0",
        docs_url="/api/docs",
        openapi_url="/api/openapi.json",
    )
    app.state.services = ConsoleServices(settings, engine, make_sessionmaker(engine))
    errors.install(app)
    for module in (
        auth,
        addresses,
        houses,
        persons,
        residencies,
        organisations,
        vehicles,
        devices,
        users,
        audit,
        alarms,
        excel,
        events,
        dashboard,
        reports,
        gates,
        uplink_api,
        doorplate,
        access_sync,  # face doors: edge sync, visitor passes (issue 4)
        visitor_passes,
        visitors,  # who is inside now (issue 10)
        gate_lists,  # barrier gates: car parks, reservations, edge sync (issue 5)
        gate_sync,
        perimeter,  # perimeter control (issue 7)
        doors,  # remote door opening (issue 4)
    ):
        app.include_router(module.router)
    for router in extra_routers or []:
        app.include_router(router)
    app.include_router(health)
    pages.install(app)
    app.mount("/static", StaticFiles(directory=WEB / "static"), name="static")
    enforce_default_deny(app)
    return app
