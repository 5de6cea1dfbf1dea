"""Console in headless Chromium: report PDF download with progress, inviting a visitor and who is inside,
accessibility basics and the 390 px layout on every page, and what grid workers and police are not shown."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest

from property_console.security.roles import PERMISSIONS, Role
from property_console.web.pages import NAV
from tests.events.test_report_export import pdf_text
from tests.web.conftest import LiveServer, event, login, shot

pytestmark = pytest.mark.browser
PHONE = {"width": 390, "height": 844}

# Every form control named, every button/link named and focusable, no clickable non-controls, images with alt.
AUDIT = """() => {
  const problems = [];
  const focusable = 'a[href], button, input, select, textarea, summary, label, [tabindex]:not([tabindex="-1"])';
  for (const n of document.querySelectorAll('input:not([type=hidden]), select, textarea')) {
    const named = (n.labels && n.labels.length) || n.getAttribute('aria-label') || n.getAttribute('aria-labelledby');
    if (!named) problems.push(`unlabelled ${n.tagName.toLowerCase()}#${n.id || n.name}`);
  }
  for (const n of document.querySelectorAll('button, a[href], [role=button]')) {
    const name = (n.getAttribute('aria-label') || n.textContent || n.title || '').trim();
    if (!name) problems.push(`nameless ${n.outerHTML.slice(0, 90)}`);
    if (n.tabIndex < 0 && !n.disabled) problems.push(`not focusable ${n.outerHTML.slice(0, 90)}`);
  }
  for (const n of document.querySelectorAll('main *')) {
    if (getComputedStyle(n).cursor === 'pointer' && !n.closest(focusable) && n.getClientRects().length)
      problems.push(`clickable but not a control ${n.outerHTML.slice(0, 90)}`);
  }
  for (const n of document.querySelectorAll('[hidden]'))
    if (n.getClientRects().length) problems.push(`hidden attribute overridden by CSS #${n.id}`);
  for (const n of document.querySelectorAll('img:not([alt])')) problems.push(`img without alt ${n.src}`);
  for (const n of document.querySelectorAll('canvas:not([aria-label])')) problems.push(`unlabelled chart #${n.id}`);
  if (document.querySelectorAll('h1').length !== 1) problems.push('not exactly one h1');
  return problems;
}"""


def _settle(page: Any, href: str) -> None:
    page.goto(href)
    page.wait_for_load_state("networkidle")  # the page module has loaded its data (the SSE stream aside)


def test_every_page_is_labelled_keyboard_usable_and_fits_a_phone(new_page: Callable[..., Any]) -> None:
    page = new_page(**PHONE)
    login(page, "admin")  # the role with every page
    for key, href, perm in NAV:
        assert perm in PERMISSIONS[Role.PROPERTY_ADMIN]
        _settle(page, href)
        assert page.evaluate(AUDIT) == [], key
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= PHONE["width"], (key, width)  # nothing forces sideways scrolling
        shot(page, f"phone-{key}", full_page=False)


def test_keyboard_reaches_the_page_controls_in_order(new_page: Callable[..., Any]) -> None:
    page = new_page(**PHONE)
    login(page, "staff")
    _settle(page, "/visitors")
    page.keyboard.press("Tab")  # the skip link comes first and moves focus to the content
    assert page.evaluate("document.activeElement.className") == "skip"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    reached = []
    for _ in range(12):
        page.keyboard.press("Tab")
        reached.append(page.evaluate("document.activeElement.id || document.activeElement.name"))
    assert "v-visitor_name" in reached and "v-visitor_phone" in reached
    ring = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert ring != "none"  # focus is visible


def test_report_pdf_downloads_with_progress(
    new_page: Callable[..., Any], edge: httpx.Client, tmp_path: Path
) -> None:
    batch = [event("visitor_pass", "DOOR-1-1-0001", subject=f"pass:v{i}") for i in range(3)]
    assert [r["status"] for r in edge.post("/api/events/batch", json=batch).json()] == ["stored"] * 3
    page = new_page()
    login(page, "staff")
    _settle(page, "/reports")
    page.locator("body[data-charts-ready='1']").wait_for()
    assert page.evaluate("Chart.getChart('chart-visitors').data.datasets[0].data.at(-1)") >= 3
    assert page.locator("#pdf-box").is_hidden()  # no progress bar before an export
    with page.expect_download() as download:
        page.get_by_role("button", name="导出PDF").click()
    page.get_by_role("status").filter(has_text="报表已下载").wait_for()
    assert page.locator("#pdf-progress").evaluate("p => p.value") == 100
    assert download.value.suggested_filename.endswith(".pdf")
    text = pdf_text(Path(download.value.path()).read_bytes(), tmp_path)
    assert "访客统计" in text and "每日通行" in text
    assert int(page.evaluate("document.body.dataset.pdfBytes")) > 1000
    shot(page, "reports-pdf-exported")


def test_invite_a_visitor_from_the_console_and_see_them_inside(
    new_page: Callable[..., Any], edge: httpx.Client
) -> None:
    page = new_page(**PHONE)
    login(page, "staff")
    _settle(page, "/visitors")
    before = int(page.locator("#inside-count").inner_text())
    page.get_by_role("button", name="生成访客通行证").click()  # empty: each field says what is missing
    assert page.get_by_label("访客", exact=True).get_attribute("aria-invalid") == "true"
    assert page.locator("#v-doors-err").inner_text() == "请至少选择一个门禁"
    page.get_by_label("访客", exact=True).fill("访客周")
    page.get_by_label("电话", exact=True).fill("12345")  # the API's own validation message on the field
    page.get_by_label(re.compile("DOOR-1-1-0001")).check()
    page.get_by_role("button", name="生成访客通行证").click()
    page.locator("#v-visitor_phone[aria-invalid='true']").wait_for()
    assert page.locator("#v-visitor_phone-err").inner_text() != ""
    page.get_by_label("电话", exact=True).fill("13900001234")
    page.get_by_role("button", name="生成访客通行证").click()
    page.get_by_role("status").filter(has_text="已生成 访客周 的通行证").wait_for()
    row = page.locator("#passes tr", has_text="访客周")
    row.wait_for()
    pass_id = row.get_attribute("data-id")
    page.locator("#live[data-ok='1']").wait_for()  # the live stream is open
    body = event("visitor_pass", "DOOR-1-1-0001", decision="visitor", detail={"pass_id": pass_id})
    assert edge.post("/api/events", json=body).status_code == 201
    page.locator(f"#inside tr[data-pass='{pass_id}']").wait_for()  # pushed, no reload
    assert int(page.locator("#inside-count").inner_text()) == before + 1
    shot(page, "phone-visitor-inside")
    page.locator(f"#passes tr[data-id='{pass_id}']").get_by_role("button", name="撤销").click()
    page.locator(f"#passes tr.ended[data-id='{pass_id}']").wait_for()
    page.locator(f"#inside tr[data-pass='{pass_id}']").wait_for(state="detached")
    assert int(page.locator("#inside-count").inner_text()) == before


# What each restricted role must not be shown on the pages it may open (by visible name or selector).
HIDDEN = {
    "grid": {
        "*": ["导入", "导出Excel"],
        "/persons": ["编辑"],
        "/houses": ["编辑"],
        "/vehicles": ["编辑"],
        "/organisations": ["编辑"],
    },
    "police": {
        "*": ["导入", "编辑", "放行", "拒绝", "撤销"],
        "/": ["确认告警"],
        "/alarms": ["#ack", "#handle-form"],
        "/perimeter": ["布防", "撤防", "旁路"],
    },
}


@pytest.mark.parametrize("username", ["grid", "police"])
def test_restricted_roles_see_no_controls_beyond_their_rights(
    new_page: Callable[..., Any], live_server: LiveServer, username: str
) -> None:
    role = Role.GRID_WORKER if username == "grid" else Role.COMMUNITY_POLICE
    with live_server.client("edge") as edge:  # something on every page: an open alarm, a waiting vehicle
        edge.post(
            "/api/events",
            json=event(
                "alarm",
                "PERI-HOST-01",
                alarm={"kind": "tamper", "zone": "Z2", "message_zh": "防拆", "message_en": "Tamper"},
            ),
        )
        edge.post("/api/events", json=event("vehicle_pending", "LPR-N-0001", subject="皖A00001"))
    page = new_page()
    login(page, username)
    rules = HIDDEN[username]
    for key, href, perm in NAV:
        if perm not in PERMISSIONS[role]:
            response = page.goto(href)
            assert response is not None and response.status in (200, 403)
            if href != "/":
                assert response.status == 403, href
            continue
        _settle(page, href)
        for hidden in rules["*"] + rules.get(href, []):
            if hidden.startswith("#"):
                found = page.locator(hidden).count()
            else:
                found = page.locator("main").get_by_role("button", name=hidden, exact=True).count()
                found += page.locator("main").get_by_role("link", name=hidden, exact=True).count()
            assert found == 0, (username, href, hidden)
        shot(page, f"role-{username}-{key}", full_page=False)
    if username == "police":  # police see full ID numbers; grid workers the masked view
        _settle(page, "/persons")
        assert re.search(r"\d{17}[\dX]", page.locator("#records tbody").inner_text())
    else:
        _settle(page, "/persons")
        assert "*" in page.locator("#records tbody").inner_text()
