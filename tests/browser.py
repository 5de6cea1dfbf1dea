"""Headless Debian Chromium through Playwright's sync API: one browser per test session, shared by every
browser test (two sync Playwright instances in one process refuse to start)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest

REQUIRED = os.environ.get("SC_REQUIRE_SERVICES") == "1"
CHROMIUM = os.environ.get("SC_CHROMIUM", "/usr/bin/chromium")
BROWSER_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def need_chromium() -> Any:
    """Playwright's sync API and Debian's chromium: fail in CI (SC_REQUIRE_SERVICES=1), skip elsewhere."""
    problem = None
    if not os.access(CHROMIUM, os.X_OK):
        problem = f"{CHROMIUM} missing (apt-get install -y chromium)"
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        problem = "playwright not installed (pip install playwright)"
        sync_playwright = None  # type: ignore[assignment]
    if problem:
        if REQUIRED:
            pytest.fail(f"headless Chromium is required (SC_REQUIRE_SERVICES=1): {problem}")
        pytest.skip(problem)
    return sync_playwright


@pytest.fixture(scope="session")
def chromium() -> Iterator[Any]:
    """The session's browser; tests open their own contexts and close them."""
    sync_playwright = need_chromium()
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=BROWSER_ARGS)
        yield browser
        browser.close()
