"""The one console-sync client (devices/edge/console_sync.py) against a scripted console: login, the bearer
token, one re-login on 401, a console that is down, the failing state logged once each way, the polling thread."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

import httpx
import pytest

from devices.edge import console_sync


class Console:
    """A scripted console: tokens it accepts, whether it is up, what it was asked."""

    def __init__(self) -> None:
        self.up = True
        self.logins: list[str] = []
        self.gets: list[tuple[str, str]] = []  # (since, token)
        self.valid: set[str] = set()
        self.body: bytes = b'{"items": [1, 2], "next_since": "c1"}'
        self.got = threading.Event()

    def handle(self, request: httpx.Request) -> httpx.Response:
        if not self.up:
            raise httpx.ConnectError("connection refused", request=request)
        if request.url.path == "/api/auth/login":
            token = f"t{len(self.logins) + 1}"
            self.logins.append(token)
            self.valid = {token}
            return httpx.Response(200, json={"token": token})
        token = request.headers.get("Authorization", "").removeprefix("Bearer ")
        self.gets.append((request.url.params.get("since", ""), token))
        self.got.set()
        if token not in self.valid:
            return httpx.Response(401, json={"detail": "expired"})
        return httpx.Response(200, content=self.body)


class ListSync(console_sync.ConsoleSync[dict[str, object], int]):
    """A minimal user: asks `since` its last cursor, stores the items."""

    path = "/api/things/sync"

    def __init__(self, console: Console, interval_s: float = 30.0) -> None:
        client = httpx.Client(base_url="http://console", transport=httpx.MockTransport(console.handle))
        super().__init__(client, username="door-1", password="pw", interval_s=interval_s)
        self.since = ""
        self.stored: list[object] = []

    def params(self) -> dict[str, str]:
        return {"since": self.since} if self.since else {}

    def read(self, response: httpx.Response) -> dict[str, object]:
        answer = response.json()
        if not isinstance(answer["items"], list):
            raise ValueError("items is not a list")
        return dict(answer)

    def apply(self, answer: dict[str, object]) -> int:
        items = answer["items"]
        assert isinstance(items, list)
        self.stored.extend(items)
        self.since = str(answer["next_since"])
        return len(items)


def wait_for(check: Callable[[], bool], timeout: float = 10.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.02)
    return check()


def test_logs_in_once_and_asks_since_the_last_answer() -> None:
    console = Console()
    sync = ListSync(console)
    assert sync.poll() == 2 and sync.poll() == 2
    assert console.logins == ["t1"]
    assert console.gets == [("", "t1"), ("c1", "t1")]
    assert sync.stored == [1, 2, 1, 2] and sync.ok is True and not sync.failing


def test_an_expired_session_logs_in_again_once() -> None:
    console = Console()
    sync = ListSync(console)
    assert sync.poll() == 2
    console.valid = set()  # the console forgot the session
    assert sync.poll() == 2
    assert console.logins == ["t1", "t2"]
    assert console.gets[1:] == [("c1", "t1"), ("c1", "t2")]


def test_a_refused_login_after_401_is_a_failed_poll_not_a_loop() -> None:
    console = Console()
    sync = ListSync(console)
    sync.poll()

    def refuse(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/api/auth/login":
            return httpx.Response(401, json={"detail": "bad password"})
        return httpx.Response(401, json={"detail": "expired"})

    sync.client = httpx.Client(base_url="http://console", transport=httpx.MockTransport(refuse))
    assert sync.poll() is None and sync.failing and sync.failures == 1


def test_console_down_keeps_the_cache_and_logs_once_each_way(caplog: pytest.LogCaptureFixture) -> None:
    console = Console()
    sync = ListSync(console)
    assert sync.poll() == 2
    console.up = False
    caplog.set_level(logging.INFO, logger=console_sync.__name__)
    assert [sync.poll(), sync.poll(), sync.poll()] == [None, None, None]
    assert sync.failing and sync.failures == 3 and sync.stored == [1, 2]
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1 and "失败" in warnings[0].getMessage()
    console.up = True
    assert sync.poll() == 2 and sync.poll() == 2
    infos = [r for r in caplog.records if r.levelno == logging.INFO]
    assert len(infos) == 1 and "恢复" in infos[0].getMessage()
    assert (sync.polls, sync.failures, sync.ok) == (6, 3, True)


@pytest.mark.parametrize(
    "body", [b"not json", b'{"items": 3, "next_since": "x"}', b'{"next_since": "x"}', b"[1, 2]"]
)
def test_a_malformed_answer_is_a_failed_poll(body: bytes) -> None:
    console = Console()
    console.body = body
    sync = ListSync(console)
    assert sync.poll() is None and sync.failing and sync.stored == []


def test_a_failing_store_is_not_hidden() -> None:
    class BrokenStore(ListSync):
        def apply(self, answer: dict[str, object]) -> int:
            raise RuntimeError("disk full")

    with pytest.raises(RuntimeError, match="disk full"):
        BrokenStore(Console()).poll()


def test_the_thread_polls_at_start_and_at_once_on_request() -> None:
    console = Console()
    sync = ListSync(console, interval_s=3600.0).start()  # the interval never comes within the test
    try:
        assert wait_for(lambda: len(console.gets) == 1)
        console.got.clear()
        sync.request()
        assert wait_for(console.got.is_set)
        assert wait_for(lambda: len(sync.stored) == 4)
    finally:
        sync.stop()
    assert len(console.gets) == 2  # stopped: no poll after the one requested
