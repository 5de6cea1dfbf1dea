"""The scan page in real headless Chromium at a phone viewport: anonymous view, OTP login, registration,
confirmation by staff, police view, a forged code and a patrol checkpoint. Screenshots: test-artifacts/doorplate/."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import uvicorn

from devices.net import free_port
from property_console.seed import DEMO_PASSWORD
from tests.doorplate_web.conftest import Doorplate
from tests.doorplate_web.support import id_number

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "doorplate"
PHONE = {
    "viewport": {"width": 390, "height": 844},
    "device_scale_factor": 2,
    "is_mobile": True,
    "has_touch": True,
    "timezone_id": "Asia/Shanghai",
}
ROOM = "C0001-2-1-2-201"

pytestmark = pytest.mark.browser


@pytest.fixture
def server(dp: Doorplate) -> Iterator[str]:
    """The app on a real socket (uvicorn in a thread)."""
    port = free_port()
    srv = uvicorn.Server(uvicorn.Config(dp.client.app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    for _ in range(200):
        if srv.started:
            break
        time.sleep(0.05)
    assert srv.started, "uvicorn did not start"
    yield f"http://127.0.0.1:{port}"
    srv.should_exit = True
    thread.join(timeout=10)


def _no_sideways_scroll(page: Any) -> None:
    assert page.evaluate("document.scrollingElement.scrollWidth") <= 390


def test_scan_page_on_a_phone(
    dp: Doorplate, server: str, request: pytest.FixtureRequest, chromium: Any
) -> None:
    out = ARTIFACTS / request.node.callspec.id
    out.mkdir(parents=True, exist_ok=True)
    token = dp.token(ROOM)
    newcomer, number = "13612345678", id_number(dt_date(1990, 4, 5), 777, "110101")
    contexts: list[Any] = []

    def new_context() -> Any:
        contexts.append(chromium.new_context(locale="zh-CN", **PHONE))
        return contexts[-1]

    try:
        page = new_context().new_page()
        page.goto(f"{server}/D/{token}")
        assert page.locator("h1").inner_text() == "示范小区2栋1单元201室"
        assert page.locator("#contact").is_visible() and "城东派出所" in page.locator("#contact").inner_text()
        assert page.locator("#household").count() == 0
        _no_sideways_scroll(page)
        page.screenshot(path=str(out / "01-anonymous.png"), full_page=True)

        page.fill("[data-otp] input[name=phone]", newcomer)
        page.click("[data-otp-send]")
        page.wait_for_selector("#toast:not([hidden])")
        page.fill("[data-otp] input[name=code]", dp.sms.sent[newcomer])
        with page.expect_navigation():
            page.click("[data-otp] button[type=submit]")
        assert "住户" in page.locator(".who").inner_text()
        page.fill("[data-register] input[name=name]", "周新来")
        page.fill("[data-register] input[name=id_number]", number)
        page.fill("[data-register] input[name=phone]", newcomer)
        page.select_option("[data-register] select[name=relation]", "tenant")
        page.fill("[data-register] input[name=start_date]", "2026-11-20")  # before the app's test clock
        page.screenshot(path=str(out / "02-resident-form.png"), full_page=True)
        with page.expect_navigation():
            page.click("[data-register] button[type=submit]")
        mine = page.locator("#mine").inner_text()
        assert "周新来" in mine and "待确认" in mine
        _no_sideways_scroll(page)
        page.screenshot(path=str(out / "03-registration-pending.png"), full_page=True)

        staff = new_context()
        login = staff.request.post(
            f"{server}/api/auth/login", data={"username": "staff", "password": DEMO_PASSWORD}
        )
        assert login.ok
        spage = staff.new_page()
        spage.goto(f"{server}/d/{token}")
        assert "周新来" in spage.locator("#pending").inner_text()
        with spage.expect_navigation():
            spage.click("#pending button:has-text('确认')")
        household = spage.locator("#household").inner_text()
        assert "周新来" in household and number not in household and number[-4:] in household  # masked
        spage.screenshot(path=str(out / "04-staff-confirmed.png"), full_page=True)

        police = new_context()
        police.request.post(
            f"{server}/api/auth/login", data={"username": "police", "password": DEMO_PASSWORD}
        )
        ppage = police.new_page()
        ppage.goto(f"{server}/D/{token}")
        assert number in ppage.locator("#household").inner_text()  # police see the full number
        with ppage.expect_navigation():
            ppage.click("#ownership button:has-text('标记关注')")
        assert ppage.locator("#flagged").is_visible()
        ppage.screenshot(path=str(out / "05-police.png"), full_page=True)

        forged = token[:20] + ("A" if token[20] != "A" else "B") + token[21:]
        page.goto(f"{server}/D/{forged}")
        assert "无法识别此门牌" in page.inner_text("body") and "201室" not in page.content()
        page.screenshot(path=str(out / "06-forged.png"), full_page=True)

        admin = new_context()
        admin.request.post(f"{server}/api/auth/login", data={"username": "admin", "password": DEMO_PASSWORD})
        cp = admin.request.post(f"{server}/api/patrol/checkpoints", data={"code": "P1", "name": "东门岗亭"})
        assert cp.ok
        gpage = admin.new_page()
        gpage.goto(cp.json()["url"].replace("HTTPS://SQ.EXAMPLE.CN", server))
        assert "打卡成功" in gpage.inner_text("body")
        gpage.screenshot(path=str(out / "07-checkpoint.png"), full_page=True)
    finally:
        for ctx in contexts:
            ctx.close()


def dt_date(y: int, m: int, d: int) -> Any:
    import datetime as dt

    return dt.date(y, m, d)
