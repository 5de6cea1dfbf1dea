"""The one console-sync client of the edge processes: pull lists from the console over HTTP, keep the cache.

A door (`GET /api/access/sync` as a `door` user) and a gate (`GET /api/gate/sync` as a `system` user) share
everything but the path, the query and what they do with the answer:

- log in once and hold the bearer token; a 401 (the session expired) logs in again, once per poll;
- a console that cannot be reached, or answers with an error or a malformed body, is a failed poll: the
  edge keeps deciding from its cached copy, logs once when polling starts to fail and once on recovery;
- an optional daemon thread polls every ``interval_s``; ``request()`` wakes it for an immediate sync (a
  retained config bump on the bus).

Subclasses give ``path``, ``params()`` (the `since` cursor, a car park), ``read()`` (parse and validate the
answer; a failure here is a failed poll) and ``apply()`` (store it; its errors are the store's and propagate).
"""

from __future__ import annotations

import logging
import threading
from abc import ABC, abstractmethod
from typing import Generic, Self, TypeVar

import httpx

log = logging.getLogger(__name__)

AnswerT = TypeVar("AnswerT")
ResultT = TypeVar("ResultT")
LOGIN_PATH = "/api/auth/login"
#: what a poll survives: the console down or slow, an error status, a body that does not parse or validate
POLL_ERRORS: tuple[type[Exception], ...] = (httpx.HTTPError, OSError, ValueError, KeyError, TypeError)


class ConsoleSync(ABC, Generic[AnswerT, ResultT]):
    """Login, an authenticated GET, retry on 401, a failing state that logs its edges; ``poll()`` never raises."""

    path: str
    name = "console-sync"

    def __init__(
        self, client: httpx.Client, *, username: str, password: str, interval_s: float = 30.0
    ) -> None:
        self.client = client
        self.username, self.password = username, password
        self.interval_s = interval_s
        self.ok: bool | None = None  # None until the first poll
        self.polls = self.failures = 0
        self._token: str | None = None
        self._wake = threading.Event()
        self._stopping = False
        self._thread: threading.Thread | None = None

    @abstractmethod
    def params(self) -> dict[str, str]:
        """The query of the next GET (e.g. the `since` cursor of the last answer)."""

    @abstractmethod
    def read(self, response: httpx.Response) -> AnswerT:
        """Parse and validate a 2xx answer; raising ValueError or KeyError makes the poll a failed one."""

    @abstractmethod
    def apply(self, answer: AnswerT) -> ResultT:
        """Store the answer in the edge's cache."""

    @property
    def failing(self) -> bool:
        """True while the last poll failed."""
        return self.ok is False

    def poll(self) -> ResultT | None:
        """One sync: the result of ``apply()``, or None when the console could not give an answer."""
        self.polls += 1
        try:
            answer = self.read(self._get())
        except POLL_ERRORS as exc:
            self.failures += 1
            if self.ok is not False:
                log.warning(
                    "%s failing, using the local cache / 平台同步失败，使用本地缓存: %s", self.name, exc
                )
            self.ok = False
            return None
        if self.ok is False:
            log.info("%s recovered / 平台同步恢复", self.name)
        self.ok = True
        return self.apply(answer)

    def _get(self) -> httpx.Response:
        if self._token is None:
            self._login()
        response = self._send()
        if response.status_code == 401:  # the session expired: log in again, once
            self._login()
            response = self._send()
        response.raise_for_status()
        return response

    def _send(self) -> httpx.Response:
        headers = {"Authorization": f"Bearer {self._token}"}
        return self.client.get(self.path, params=self.params(), headers=headers)

    def _login(self) -> None:
        self._token = None
        body = {"username": self.username, "password": self.password}
        response = self.client.post(LOGIN_PATH, json=body)
        response.raise_for_status()
        self._token = str(response.json()["token"])

    def start(self) -> Self:
        """Poll now and then every ``interval_s`` (or at once after ``request()``) in a daemon thread."""
        self._stopping = False
        self._thread = threading.Thread(target=self._run, name=self.name, daemon=True)
        self._thread.start()
        return self

    def request(self) -> None:
        """Ask the polling thread for a sync now (several requests before it wakes make one sync)."""
        self._wake.set()

    def _run(self) -> None:
        while not self._stopping:
            self.poll()
            self._wake.wait(self.interval_s)
            self._wake.clear()

    def stop(self) -> None:
        """Stop the polling thread (a poll in flight finishes first, up to 5 s)."""
        self._stopping = True
        self._wake.set()
        if self._thread is not None:
            self._thread.join(5)
            self._thread = None
