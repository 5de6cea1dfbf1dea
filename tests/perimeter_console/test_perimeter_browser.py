"""The 周界 page in headless Chromium against a live console and a running perimeter service: arm refused for
an open zone, bypass, arm, a trip highlighted on the zone map with its alarm, snapshot and clip, disarm."""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from devices.bus import InProcessBus
from property_console.api.services import services_of
from property_console.config import Settings
from property_console.runtime import open_runtime
from tests.browser import need_chromium
from tests.perimeter_console.stack import INPUTS, Stack
from tests.web.conftest import LiveServer, login, shot

pytestmark = pytest.mark.browser


@pytest.fixture
def served(sqlite_template: Path, tmp_path: Path) -> Iterator[tuple[LiveServer, Stack]]:
    need_chromium()
    shutil.copy(sqlite_template, tmp_path / "sc.db")
    rt = open_runtime(
        Settings(mode="test", data_dir=tmp_path, database_url=f"sqlite:///{tmp_path / 'sc.db'}")
    )
    hub = InProcessBus()
    stack = Stack("C0001", hub.connect(), hub.connect(), rt.sessions, rt.engine)
    server = LiveServer(rt)
    app: Any = server.server.config.app
    services_of(app).perimeter = stack.link
    server.start()
    yield server, stack
    server.stop()
    stack.stop()
    rt.engine.dispose()


@pytest.fixture
def page(served: tuple[LiveServer, Stack], chromium: Any) -> Iterator[Any]:
    errors: list[str] = []
    ctx = chromium.new_context(viewport={"width": 1366, "height": 900}, base_url=served[0].url)
    ctx.set_default_timeout(15_000)
    p = ctx.new_page()
    p.on("pageerror", lambda exc: errors.append(str(exc)))
    yield p
    ctx.close()
    assert not errors, f"JavaScript errors in the page: {errors}"


def test_arm_refused_bypass_arm_trip_highlight_disarm(page: Any, served: tuple[LiveServer, Stack]) -> None:
    _, stack = served
    login(page, "staff")
    page.goto("/perimeter")
    p1 = page.locator("#partitions tr[data-partition=P1]")
    p1.get_by_text("撤防").wait_for()

    stack.host.trip(INPUTS["gate-w"])
    gate = page.locator("#zones tr[data-zone=gate-w]")
    gate.locator(".zone-state", has_text="未闭合").wait_for()
    p1.get_by_role("button", name="布防").click()
    page.locator("#toast", has_text=re.compile("防区未闭合：西门门磁")).wait_for()
    assert p1.locator(".pstate").inner_text() == "撤防"

    gate.get_by_role("button", name="旁路").click()
    page.get_by_label("旁路原因").fill("门磁损坏待修")
    page.get_by_label("旁路时长（分钟）").fill("30")
    page.locator("#bypass-ok").click()
    gate.locator(".zone-state", has_text="已旁路").wait_for()
    assert "门磁损坏待修" in gate.locator(".zone-state").inner_text()

    p1.get_by_role("button", name="布防").click()
    p1.locator(".pstate", has_text="已布防").wait_for()

    stack.host.pulse(INPUTS["fence-n"])
    page.locator("#zone-map g.map-device.marked[data-serial=fence-n]").wait_for()
    page.locator("#zones tr.zone-row.alarm[data-zone=fence-n]").wait_for()
    p1.locator(".pstate", has_text="报警中").wait_for()
    item = page.locator("#zone-alarms li", has_text="北围墙电子围栏")
    item.get_by_role("button").click()
    page.locator("#ad-map g.marked[data-serial=fence-n]").wait_for()
    page.locator("#ad-snaps img").wait_for()
    assert page.locator("#ad-snaps img").evaluate("img => img.complete && img.naturalWidth > 0")
    assert page.locator("#ad-snaps a.clip-link").get_attribute("href", timeout=15_000)
    shot(page, "perimeter-triggered")

    p1.get_by_role("button", name="撤防").click()
    page.get_by_label("或登录密码").fill("Demo@2026")
    page.locator("#pin-ok").click()
    p1.locator(".pstate", has_text="撤防").wait_for()
    shot(page, "perimeter-disarmed")
