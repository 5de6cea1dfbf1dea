"""QR doorplate scanning and electronic patrol in the console: scan page, OTP login, registrations, patrol."""

from __future__ import annotations

from fastapi import APIRouter

from property_console.doorplate import otp_routes, patrol_routes, registration_routes, scan_routes, watcher

router = APIRouter(lifespan=watcher.lifespan)
for _sub in (
    scan_routes.router,
    scan_routes.api,
    otp_routes.router,
    registration_routes.router,
    patrol_routes.router,
):
    router.include_router(_sub)
