"""The console pages other than login and the dashboard."""

from __future__ import annotations

from typing import Annotated

from fastapi import Request
from fastapi.responses import HTMLResponse

from property_console.web.pages import Viewer, page, render, router

RECORDS = {
    "persons": "persons:read",
    "houses": "houses:read",
    "vehicles": "vehicles:read",
    "organisations": "organisations:read",
}


@router.get("/alarms", response_class=HTMLResponse)
def alarms(request: Request, who: Annotated[Viewer, page("alarms:read")]) -> HTMLResponse:
    return render(request, who, "alarms.html", "alarms", "alarms")


@router.get("/gates", response_class=HTMLResponse)
def gates(request: Request, who: Annotated[Viewer, page("events:read")]) -> HTMLResponse:
    return render(request, who, "gates.html", "gates", "gates")


@router.get("/perimeter", response_class=HTMLResponse)
def perimeter(request: Request, who: Annotated[Viewer, page("perimeter:read")]) -> HTMLResponse:
    return render(request, who, "perimeter.html", "perimeter", "perimeter")


@router.get("/visitors", response_class=HTMLResponse)
def visitors(request: Request, who: Annotated[Viewer, page("visitor_passes:read")]) -> HTMLResponse:
    return render(request, who, "visitors.html", "visitors", "visitors")


@router.get("/reports", response_class=HTMLResponse)
def reports(request: Request, who: Annotated[Viewer, page("reports:read")]) -> HTMLResponse:
    return render(request, who, "reports.html", "reports", "reports")


@router.get("/import", response_class=HTMLResponse)
def import_page(request: Request, who: Annotated[Viewer, page("import")]) -> HTMLResponse:
    return render(request, who, "import.html", "import", "import")


def _records_route(entity: str, permission: str) -> None:
    def view(request: Request, who: Viewer = page(permission)) -> HTMLResponse:
        return render(request, who, "records.html", entity, "records", boot={"entity": entity})

    view.__name__ = f"{entity}_page"
    router.add_api_route(f"/{entity}", view, methods=["GET"], response_class=HTMLResponse)


for _entity, _permission in RECORDS.items():
    _records_route(_entity, _permission)
