"""Browser fixtures: a real uvicorn server on a free loopback port, headless Debian Chromium via Playwright."""

from __future__ import annotations

import base64
import datetime as dt
import re
import shutil
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn

from devices.net import free_port
from property_console.api.app import create_app
from property_console.config import Settings
from property_console.runtime import Runtime, open_runtime
from property_console.schemas.user import UserCreate
from property_console.security.roles import Role
from property_console.seed import DEMO_PASSWORD
from property_console.server import StreamClosingServer
from property_console.services.users import create_user
from tests.browser import need_chromium
from tests.console.conftest import (  # noqa: F401  (fixtures for test_pages.py and the live server)
    app_client,
    pg_template,
    runtime,
    seeded_url,
    sqlite_template,
)

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "web"
FACE = Path(__file__).resolve().parents[1] / "console" / "data" / "face.jpg"


class LiveServer:
    """The console app served by uvicorn in a thread of the test process."""

    def __init__(self, rt: Runtime) -> None:
        self.runtime = rt
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        config = uvicorn.Config(
            create_app(rt.settings, rt.engine),
            host="127.0.0.1",
            port=self.port,
            log_level="warning",
            timeout_graceful_shutdown=1,
        )
        self.server = StreamClosingServer(config, rt.engine)  # what `sc serve` runs
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def start(self) -> None:
        self.thread.start()
        deadline = time.monotonic() + 20
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("uvicorn did not start")
            time.sleep(0.05)

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(10)

    def token(self, username: str) -> str:
        r = httpx.post(f"{self.url}/api/auth/login", json={"username": username, "password": DEMO_PASSWORD})
        r.raise_for_status()
        return str(r.json()["token"])

    def client(self, username: str) -> httpx.Client:
        return httpx.Client(base_url=self.url, headers={"Authorization": f"Bearer {self.token(username)}"})


@pytest.fixture(scope="session")
def live_server(sqlite_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:  # noqa: F811
    need_chromium()
    data = tmp_path_factory.mktemp("web")
    shutil.copy(sqlite_template, data / "sc.db")
    settings = Settings(mode="test", data_dir=data, database_url=f"sqlite:///{data / 'sc.db'}")
    rt = open_runtime(settings)
    with rt.sessions.begin() as db:
        create_user(
            db, UserCreate(username="edge", display_name="边缘网关", role=Role.SYSTEM, password=DEMO_PASSWORD)
        )
    server = LiveServer(rt)
    server.start()
    yield server
    server.stop()
    rt.engine.dispose()


@pytest.fixture(scope="session")
def browser(chromium: Any, live_server: LiveServer) -> Any:
    return chromium


@pytest.fixture
def new_page(browser: Any, live_server: LiveServer) -> Iterator[Callable[..., Any]]:
    """new_page(width=1366, height=860, lang=None) → a page in a fresh browser context."""
    contexts: list[Any] = []

    def make(width: int = 1366, height: int = 860, lang: str | None = None) -> Any:
        ctx = browser.new_context(viewport={"width": width, "height": height}, base_url=live_server.url)
        if lang:
            ctx.add_cookies([{"name": "sc_lang", "value": lang, "url": live_server.url}])
        ctx.set_default_timeout(10_000)
        contexts.append(ctx)
        page = ctx.new_page()
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        return page

    errors: list[str] = []
    yield make
    for ctx in contexts:
        ctx.close()
    assert not errors, f"JavaScript errors in the page: {errors}"


@pytest.fixture
def edge(live_server: LiveServer) -> Iterator[httpx.Client]:
    """The HTTP ingest route as an edge device (system role) uses it."""
    with live_server.client("edge") as client:
        yield client


def login(page: Any, username: str, password: str = DEMO_PASSWORD) -> None:
    """Log in through the form, by its labels, and land on the first page."""
    page.goto("/login")
    page.get_by_label(re.compile("用户名|Username")).fill(username)
    page.get_by_label(re.compile("密码|Password")).fill(password)
    page.get_by_label(re.compile("密码|Password")).press("Enter")
    page.wait_for_url(lambda url: "/login" not in url)


def shot(page: Any, name: str, full_page: bool = True) -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=full_page)
    return path


def image_b64(path: Path = FACE) -> str:
    return base64.b64encode(path.read_bytes()).decode()


def event(kind: str, device: str, **extra: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "id": str(uuid.uuid4()),
        "kind": kind,
        "device_serial": device,
        "device_time": dt.datetime.now(dt.UTC).isoformat(),
    }
    body.update(extra)
    return body
