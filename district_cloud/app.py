"""create_district_app(): the VIID receiver, the police API and the zh-CN page, from explicit dependencies."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from fastapi.responses import HTMLResponse
from sqlalchemy import Engine
from sqlalchemy.orm import sessionmaker

from district_cloud.api import login, police, receiver
from district_cloud.api.deps import ActiveUsers
from district_cloud.config import DistrictSettings

WEB = Path(__file__).resolve().parent / "web"


def create_district_app(settings: DistrictSettings, engine: Engine) -> FastAPI:
    app = FastAPI(
        title="区县公安 智慧平安小区 数据平台",
        version="0.1.0",
        docs_url="/api/docs",
        openapi_url="/api/openapi.json",
    )
    app.state.settings = settings
    app.state.engine = engine
    app.state.sessions = sessionmaker(engine, expire_on_commit=False)
    app.state.active_users = ActiveUsers(settings.user_cache_seconds)
    app.include_router(receiver.router)
    app.include_router(login.router)
    app.include_router(police.router)

    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    def index() -> str:
        return (WEB / "index.html").read_text(encoding="utf-8")

    @app.get("/api/health", include_in_schema=False)
    def health() -> dict[str, str]:
        return {"status": "ok"}

    return app
