"""Report aggregates (passes, alarms, device availability, visitors) and their Excel and PDF exports."""

from __future__ import annotations

import io
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Query, Request, Response
from openpyxl import Workbook
from openpyxl.styles import Font

from property_console.api.deps import Ctx, allow
from property_console.events import report_pdf, reports
from property_console.events.localtime import today, zone
from property_console.web.i18n import COOKIE

router = APIRouter(prefix="/api/reports", tags=["reports"])
Days = Annotated[int, Query(ge=1, le=366)]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
KIND_ZH = {
    "door_pass": "门禁通行",
    "door_refused": "门禁拒绝",
    "vehicle_pass": "车辆通行",
    "vehicle_pending": "车辆待确认",
    "vehicle_refused": "车辆拒绝",
    "visitor_pass": "访客通行",
}


@router.get("/passes")
def passes(ctx: Annotated[Ctx, allow("reports:read")], days: Days = 7) -> dict[str, Any]:
    return reports.passes(ctx.db, zone(ctx.settings.timezone), days)


@router.get("/alarms")
def alarms(ctx: Annotated[Ctx, allow("reports:read")], days: Days = 30) -> dict[str, Any]:
    return reports.alarms(ctx.db, zone(ctx.settings.timezone), days)


@router.get("/devices")
def devices(ctx: Annotated[Ctx, allow("reports:read")], days: Days = 7) -> list[dict[str, Any]]:
    return reports.availability(ctx.db, zone(ctx.settings.timezone), days)


@router.get("/visitors")
def visitors(ctx: Annotated[Ctx, allow("reports:read")], days: Days = 7) -> dict[str, Any]:
    return reports.visitors(ctx.db, zone(ctx.settings.timezone), days)


@router.get("/export/pdf")
def export_pdf(request: Request, ctx: Annotated[Ctx, allow("reports:read")], days: Days = 7) -> Response:
    """The reports page as a PDF (tables and charts), in the UI language of the caller's cookie."""
    tz = zone(ctx.settings.timezone)
    lang = "en" if request.cookies.get(COOKIE) == "en" else "zh"
    pdf = report_pdf.for_period(ctx.db, ctx.settings, days, lang)
    ctx.audit("export", "report", [], {"days": days, "format": "pdf"})
    name = quote(f"统计报表_{today(tz).isoformat()}.pdf")
    return Response(
        pdf,
        media_type="application/pdf",
        headers={"Content-Disposition": f"attachment; filename*=UTF-8''{name}"},
    )


@router.get("/export")
def export(ctx: Annotated[Ctx, allow("reports:read")], days: Days = 7) -> Response:
    """All the reports as one workbook (one sheet each)."""
    tz = zone(ctx.settings.timezone)
    wb = Workbook()
    sheet = wb.active
    assert sheet is not None
    sheet.title = "每日通行"
    data = reports.passes(ctx.db, tz, days)
    _rows(
        sheet,
        ["日期", *[KIND_ZH[k] for k in data["kinds"]]],
        [[d["date"], *[d[k] for k in data["kinds"]]] for d in data["days"]],
    )
    hourly = wb.create_sheet("今日分时通行")
    _rows(
        hourly,
        ["小时", *[KIND_ZH[k] for k in data["kinds"]]],
        [[h["hour"], *[h[k] for k in data["kinds"]]] for h in data["hours"]],
    )
    al = reports.alarms(ctx.db, tz, days)
    alarm_sheet = wb.create_sheet("告警统计")
    lines = [["类型", k, n] for k, n in al["by_kind"].items()] + [
        ["处置", k, n] for k, n in al["by_disposition"].items()
    ]
    lines += [["防区", k, n] for k, n in al["by_zone"].items()]
    _rows(alarm_sheet, ["维度", "取值", "数量"], lines)
    dev_sheet = wb.create_sheet("设备在线率")
    avail = reports.availability(ctx.db, tz, days)
    _rows(
        dev_sheet,
        ["序列号", "名称", "类型", "当前状态", "在线率", "离线次数"],
        [
            [d["serial"], d["name"], d["kind"], d["status"], d["availability"], d["offline_events"]]
            for d in avail
        ],
    )
    vis = reports.visitors(ctx.db, tz, days)
    _rows(
        wb.create_sheet("访客统计"),
        ["日期", "访客通行", "发出邀请"],
        [[d["date"], d["visits"], d["invitations"]] for d in vis["days"]],
    )
    buf = io.BytesIO()
    wb.save(buf)
    ctx.audit("export", "report", [], {"days": days})
    name = quote(f"统计报表_{today(tz).isoformat()}.xlsx")
    return Response(
        buf.getvalue(),
        media_type=XLSX,
        headers={"Content-Disposition": f"attachment; filename*=UTF-8''{name}"},
    )


def _rows(sheet: Any, header: list[str], rows: list[list[Any]]) -> None:
    sheet.append(header)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append(row)
