"""The console in real headless Chromium against a real uvicorn server: roles, live events, alarms, gates,
Excel import, charts, phone layout, English switch."""

from __future__ import annotations

import datetime as dt
import io
import re
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
from openpyxl import Workbook
from sqlalchemy import select

from devices.bus import Ack, Command, InProcessBus, serve_commands
from property_console.api.services import services_of
from property_console.device_commands import DeviceCommands
from property_console.models import Alarm, Event
from property_console.security.roles import PERMISSIONS, Role
from property_console.web.i18n import MESSAGES
from property_console.web.pages import NAV
from tests.web.conftest import LiveServer, event, image_b64, login, shot

pytestmark = pytest.mark.browser
PLATE = next((Path(__file__).parent / "data").glob("皖*.jpg"))
ROLE_USERS = {
    "admin": Role.PROPERTY_ADMIN,
    "staff": Role.PROPERTY_STAFF,
    "grid": Role.GRID_WORKER,
    "police": Role.COMMUNITY_POLICE,
    "district": Role.DISTRICT_POLICE,
    "resident": Role.RESIDENT,
}


def _menu(page: Any) -> list[str]:
    return [text.strip() for text in page.locator("#nav a").all_inner_texts()]


@pytest.mark.parametrize("username", list(ROLE_USERS))
def test_each_role_sees_exactly_its_pages(new_page: Callable[..., Any], username: str) -> None:
    role = ROLE_USERS[username]
    page = new_page()
    login(page, username)
    expected = [MESSAGES[f"nav.{key}"][0] for key, _, perm in NAV if perm in PERMISSIONS[role]]
    assert _menu(page) == expected
    assert page.locator(".role-chip").inner_text() == MESSAGES[f"role.{role.value}"][0]
    shot(page, f"role-{username}")
    for _key, href, perm in NAV:  # a page outside the role answers with the 403 page, not data
        if perm not in PERMISSIONS[role] and href != "/":  # "/" sends them to their first page
            response = page.goto(href)
            assert response is not None and response.status == 403
            assert page.get_by_role("heading", name="无权访问").is_visible()
            break


def test_police_see_alarms_but_cannot_handle(new_page: Callable[..., Any], edge: httpx.Client) -> None:
    body = event(
        "alarm",
        "PERI-HOST-01",
        alarm={"kind": "tamper", "zone": "Z1", "message_zh": "主机防拆触发", "message_en": "Host tamper"},
    )
    alarm_id = edge.post("/api/events", json=body).json()["alarm_id"]
    page = new_page()
    login(page, "police")
    page.goto(f"/alarms#{alarm_id}")
    page.get_by_role("heading", name="主机防拆触发").wait_for()
    assert page.locator("#ack").count() == 0 and page.locator("#handle-form").count() == 0
    shot(page, "police-alarm")


def test_live_door_event_appears_with_face(new_page: Callable[..., Any], edge: httpx.Client) -> None:
    page = new_page()
    login(page, "staff")
    page.locator("#live[data-ok='1']").wait_for()  # the stream is open
    before = int(page.locator(".stat[data-kind=door_pass] strong").inner_text())
    body = event(
        "door_pass",
        "DOOR-1-1-0001",
        subject="P-LIVE-1",
        subject_name="赵实时",
        decision="granted",
        capture={"data_b64": image_b64()},
    )
    assert edge.post("/api/events", json=body).status_code == 201
    item = page.locator(f"#events li[data-id='{body['id']}']")
    item.wait_for(timeout=5_000)  # pushed, not polled: the page never reloads
    assert "赵实时" in item.inner_text() and "1栋1单元门禁" in item.inner_text()
    assert item.locator("img.thumb").evaluate("img => img.complete && img.naturalWidth > 0")
    page.wait_for_function(
        f"Number(document.querySelector('.stat[data-kind=door_pass] strong').textContent) === {before + 1}"
    )
    shot(page, "dashboard-live-event")


def test_alarm_acknowledged_then_handled(
    new_page: Callable[..., Any], edge: httpx.Client, live_server: LiveServer
) -> None:
    page = new_page()
    login(page, "staff")
    page.locator("#live[data-ok='1']").wait_for()
    body = event(
        "alarm",
        "PERI-HOST-01",
        alarm={
            "kind": "perimeter_intrusion",
            "zone": "Z3",
            "message_zh": "北侧围墙入侵",
            "message_en": "Fence",
        },
        capture={"data_b64": image_b64()},
    )
    alarm_id = edge.post("/api/events", json=body).json()["alarm_id"]
    row = page.locator(f"#open-alarms li[data-id='{alarm_id}']")
    row.wait_for(timeout=5_000)
    assert page.locator("body.ringing").count() == 1  # flashing (and sounding) until acknowledged
    shot(page, "dashboard-alarm-open")
    row.get_by_role("button", name="确认告警").click()
    page.locator(f"#open-alarms li[data-id='{alarm_id}'].acknowledged").wait_for()
    page.goto(f"/alarms#{alarm_id}")
    page.get_by_role("heading", name="北侧围墙入侵").wait_for()
    page.locator("#d-snapshot").evaluate("img => img.decode()")
    assert page.locator("#d-zone").inner_text() == "Z3"
    assert page.locator("#d-map .map-device.marked").count() == 1  # the source device on the map
    page.get_by_label("处置结果").select_option("false_alarm")
    page.get_by_label("处置说明").fill("巡逻确认为野猫翻越")
    page.get_by_role("button", name="处置", exact=True).click()
    page.locator("#d-status.handled").wait_for()
    shot(page, "alarm-handled")
    with live_server.runtime.sessions() as db:
        alarm = db.execute(select(Alarm).where(Alarm.id == uuid.UUID(alarm_id))).scalar_one()
    assert (alarm.status, alarm.disposition, alarm.note) == ("handled", "false_alarm", "巡逻确认为野猫翻越")
    assert alarm.acknowledged_by == alarm.handled_by == "staff"


def test_temporary_vehicle_confirmed(
    new_page: Callable[..., Any], edge: httpx.Client, live_server: LiveServer
) -> None:
    body = event(
        "vehicle_pending",
        "LPR-N-0001",
        subject=PLATE.stem,
        detail={"reason": "临时车辆"},
        capture={"data_b64": image_b64(PLATE)},
    )
    assert edge.post("/api/events", json=body).status_code == 201
    page = new_page()
    login(page, "staff")
    page.goto("/gates")
    card = page.locator(f"#pending li[data-id='{body['id']}']")
    card.wait_for()
    assert PLATE.stem in card.inner_text()
    assert card.locator("img").evaluate("img => img.complete && img.naturalWidth > 0")
    shot(page, "gates-pending")
    card.get_by_role("button", name="放行").click()
    card.wait_for(state="detached")
    with live_server.runtime.sessions() as db:
        decided = db.execute(
            select(Event).where(Event.kind == "vehicle_pass", Event.subject == PLATE.stem)
        ).scalar_one()
    assert decided.decision == "staff_open" and decided.detail["confirmed_by"] == "staff"
    assert decided.capture_sha256 is not None


def _persons_sheet() -> bytes:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(["证件号码*", "姓名*", "联系电话", "人口类型", "特殊人群"])
    ws.append(["11010519491231002X", "导入甲", "13800138000", "户籍", ""])
    ws.append(["110105199001010011", "导入乙", "", "流动", ""])  # wrong check digit
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def test_excel_import_shows_the_bad_row(new_page: Callable[..., Any], tmp_path: Path) -> None:
    sheet = tmp_path / "人员.xlsx"
    sheet.write_bytes(_persons_sheet())
    page = new_page()
    login(page, "staff")
    page.goto("/import?kind=persons")
    page.get_by_label("Excel文件(.xlsx)").set_input_files(str(sheet))
    page.get_by_role("button", name="开始导入").click()
    page.locator("#import-result:not([hidden])").wait_for()
    rows = page.locator("#import-errors tbody tr")
    assert rows.count() == 1
    cells = rows.first.locator("td").all_inner_texts()
    assert cells[0] == "3" and "证件号码" in cells[1] and "校验" in cells[2]
    assert "未写入任何数据" in page.locator("#import-summary").inner_text()
    shot(page, "import-error-row")
    page.goto("/persons")
    page.get_by_label("搜索").fill("导入甲")
    page.get_by_role("button", name="搜索", exact=True).click()
    page.locator("#records-empty:not([hidden])").wait_for()  # all or nothing: the good row was not written


def test_record_edit_uses_api_validation(new_page: Callable[..., Any]) -> None:
    page = new_page()
    login(page, "staff")
    page.goto("/persons")
    page.locator("#records tbody tr").first.get_by_role("button", name="编辑").click()
    dialog = page.get_by_role("dialog")
    phone = dialog.get_by_label("联系电话")
    phone.fill("12345")
    dialog.get_by_role("button", name="保存").click()
    dialog.locator("#f-phone-err").wait_for()
    page.wait_for_function("document.querySelector('#f-phone-err').textContent.length > 0")
    assert phone.get_attribute("aria-invalid") == "true"
    shot(page, "person-edit-invalid")
    phone.fill("13912345678")
    dialog.get_by_role("button", name="保存").click()
    dialog.wait_for(state="hidden")
    page.locator("#records tbody").get_by_text("13912345678").wait_for()  # the list reloads from the API


def test_reports_charts_render(new_page: Callable[..., Any], edge: httpx.Client) -> None:
    batch = [event("door_pass", "DOOR-2-1-0002", subject=f"P{i}") for i in range(5)]
    batch += [event("vehicle_pass", "LPR-N-0001", subject="皖A12345") for _ in range(3)]
    assert [r["status"] for r in edge.post("/api/events/batch", json=batch).json()] == ["stored"] * 8
    page = new_page()
    login(page, "staff")
    page.goto("/reports")
    page.locator("body[data-charts-ready='1']").wait_for()
    for canvas in ("chart-hour", "chart-day", "chart-avail"):
        painted = page.locator(f"#{canvas}").evaluate(
            """c => { const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
                      let n = 0; for (let i = 3; i < d.length; i += 4) if (d[i]) n++; return n; }"""
        )
        assert painted > 500, canvas
    assert page.evaluate("Chart.getChart('chart-hour').data.datasets[0].data.reduce((a, b) => a + b, 0)") >= 5
    shot(page, "reports")
    with page.expect_download() as download:
        page.get_by_role("link", name="导出Excel").click()
    assert download.value.suggested_filename.endswith(".xlsx")


def test_phone_layout_and_keyboard_menu(new_page: Callable[..., Any]) -> None:
    page = new_page(width=390, height=844)
    login(page, "staff")
    nav = page.locator("#nav")
    assert not nav.evaluate("n => n.getBoundingClientRect().right > 0")  # drawer closed
    toggle = page.get_by_role("button", name="菜单")
    toggle.focus()
    page.keyboard.press("Enter")
    assert toggle.get_attribute("aria-expanded") == "true"
    page.wait_for_function("document.querySelector('#nav').getBoundingClientRect().left >= 0")
    page.wait_for_timeout(300)  # let the drawer finish sliding, for the screenshot only
    shot(page, "phone-menu-open", full_page=False)
    page.keyboard.press("Escape")
    assert toggle.get_attribute("aria-expanded") == "false"
    page.wait_for_function("document.querySelector('#nav').getBoundingClientRect().right <= 0")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390  # nothing forces sideways scrolling
    shot(page, "phone-dashboard", full_page=False)
    page.goto("/persons")
    page.locator("#records tbody tr").first.wait_for()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    shot(page, "phone-persons", full_page=False)


def test_english_switch(new_page: Callable[..., Any]) -> None:
    page = new_page()
    login(page, "staff")
    page.get_by_role("link", name="English").click()
    page.wait_for_url(re.compile(r"/$"))
    assert _menu(page)[0] == "Dashboard"
    assert page.locator("html").get_attribute("lang") == "en"
    page.goto("/alarms")
    assert page.get_by_role("heading", name="Alarms").is_visible()
    shot(page, "english-alarms")
    page.get_by_role("link", name="中文").click()
    page.wait_for_url(re.compile(r"/alarms$"))
    assert _menu(page)[0] == "值班总览"


def test_visitor_invitation_listed_and_revoked(new_page: Callable[..., Any], live_server: LiveServer) -> None:
    now = dt.datetime.now(dt.UTC)
    invite = {
        "visitor_name": "访客孙",
        "visitor_phone": "13800001111",
        "doors": ["DOOR-1-1-0001"],
        "valid_from": now.isoformat(),
        "valid_to": (now + dt.timedelta(hours=2)).isoformat(),
    }
    with live_server.client("staff") as staff:
        r = staff.post("/api/visitor-passes", json=invite)
        assert r.status_code == 201, r.text
    page = new_page()
    login(page, "staff")
    page.goto("/visitors")
    row = page.locator(f"#passes tr[data-id='{r.json()['id']}']")
    row.wait_for()
    assert "访客孙" in row.inner_text() and "DOOR-1-1-0001" in row.inner_text()
    shot(page, "visitors")
    row.get_by_role("button", name="撤销").click()
    page.locator(f"#passes tr.ended[data-id='{r.json()['id']}']").wait_for()


def test_staff_open_a_door_remotely(new_page: Callable[..., Any], live_server: LiveServer) -> None:
    """设备列表 → 远程开门 with a reason → bus command `open` to that door → its ack → a toast; audited."""
    bus = InProcessBus()
    opened: list[dict[str, Any]] = []

    def door(command: Command) -> Ack:  # the door side over the bus (the real handler: tests/access)
        opened.append(command.args)
        return Ack(command_id=command.id, ok=True, detail="opened", result={"opened": True})

    serve_commands(bus.connect(), "C0001", "DOOR-1-1-0001", door)
    app = live_server.server.config.app
    services = services_of(app)
    services.commands = DeviceCommands(bus.connect(), "C0001")
    try:
        page = new_page()
        login(page, "staff")
        row = page.locator("#devices tr[data-serial='DOOR-1-1-0001']")
        page.once("dialog", lambda d: d.accept("快递员送件"))
        row.get_by_role("button", name="远程开门").click()
        page.get_by_text("1栋1单元门禁: 已开门").wait_for(timeout=5_000)
        assert opened == [{"by": "staff", "reason": "快递员送件"}]
        assert page.locator("#devices tr[data-serial='GATE-N-0001'] button").count() == 0  # doors only
        shot(page, "dashboard-remote-open")
    finally:
        services.commands = None
    grid = new_page()
    login(grid, "grid")
    assert grid.locator("#devices button:has-text('远程开门')").count() == 0
