"""Default deny: every API route must declare a permission (or be marked public), checked at start-up."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from fastapi import FastAPI
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute

from property_console.api.deps import POLICY_ATTR


def _policy(dependant: Dependant) -> str | None:
    for dep in dependant.dependencies:
        found = getattr(dep.call, POLICY_ATTR, None) or _policy(dep)
        if found:
            return found
    return None


def _api_routes(routes: list[Any]) -> Iterator[APIRoute]:
    for route in routes:
        if isinstance(route, APIRoute):
            yield route
        inner = getattr(route, "original_router", None)  # FastAPI >= 0.16x keeps included routers whole
        if inner is not None:
            yield from _api_routes(inner.routes)


def route_policies(app: FastAPI) -> dict[str, str | None]:
    """Map 'METHOD path' to the declared permission (None when a route declares none)."""
    out: dict[str, str | None] = {}
    for route in _api_routes(list(app.routes)):
        for method in sorted(route.methods or ()):
            out[f"{method} {route.path}"] = _policy(route.dependant)
    return out


def enforce_default_deny(app: FastAPI) -> None:
    """Refuse to build an app with a route that declares no policy."""
    missing = [k for k, v in route_policies(app).items() if v is None]
    if missing:
        raise RuntimeError(f"routes without a permission (default deny): {missing}")
