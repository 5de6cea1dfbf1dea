"""The reports page as a PDF: every figure as a table and every chart drawn as vector graphics (reportlab).

No browser is involved: the charts are reportlab.graphics drawings built from the same aggregates the
page's Chart.js charts use (`reports.bundle`). Chinese text uses the doorplate PDFs' CJK font.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from reportlab.graphics.charts.barcharts import HorizontalBarChart, VerticalBarChart
from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.charts.linecharts import HorizontalLineChart
from reportlab.graphics.charts.piecharts import Pie
from reportlab.graphics.shapes import Drawing
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from property_console.events import reports
from property_console.events.localtime import zone
from property_console.models import utcnow
from property_console.web.i18n import translator
from qr_doorplate.fonts import load_font

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from property_console.config import Settings

PALETTE = ["#2563eb", "#dc2626", "#16a34a", "#f59e0b", "#7c3aed", "#0891b2", "#db2777", "#64748b"]
WIDTH = A4[0] - 36 * mm  # the frame's width
Progress = Callable[[int, int], None]


class _Page:
    """Fonts and styles of one document."""

    def __init__(self, t: Callable[..., str]) -> None:
        self.t = t
        self.font = load_font().name
        self.h1 = ParagraphStyle("h1", fontName=self.font, fontSize=17, leading=24, spaceAfter=4)
        self.h2 = ParagraphStyle("h2", fontName=self.font, fontSize=12.5, leading=18, spaceBefore=10)
        self.body = ParagraphStyle("body", fontName=self.font, fontSize=9.5, leading=14, textColor="#475569")

    def label(self, prefix: str, key: str) -> str:
        """A translated value label, or the value itself when the UI has no words for it."""
        full = f"{prefix}.{key}"
        text = self.t(full)
        if text == full and prefix == "disposition":
            text = self.t(f"alarm.{key}")
            return key if text == f"alarm.{key}" else text
        return key if text == full else text

    def table(self, header: Sequence[str], rows: Sequence[Sequence[Any]]) -> Table:
        cells = [list(header)] + [[_cell(v) for v in row] for row in rows]
        table = Table(cells, repeatRows=1, hAlign="LEFT")
        table.setStyle(
            TableStyle(
                [
                    ("FONT", (0, 0), (-1, -1), self.font, 8.5),
                    ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e2e8f0")),
                    ("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#cbd5e1")),
                    ("ALIGN", (1, 1), (-1, -1), "RIGHT"),
                    ("ROWBACKGROUNDS", (0, 1), (-1, -1), [colors.white, colors.HexColor("#f8fafc")]),
                ]
            )
        )
        return table

    def section(self, title: str, *parts: Flowable) -> list[Flowable]:
        return [KeepTogether([Paragraph(title, self.h2), Spacer(1, 2 * mm), parts[0]]), *parts[1:]]


def _cell(value: Any) -> str:
    return "—" if value is None else str(value)


def _axis_fonts(chart: Any, font: str) -> None:
    for axis in (chart.categoryAxis, chart.valueAxis):
        axis.labels.fontName = font
        axis.labels.fontSize = 7
    chart.valueAxis.forceZero = True


def _legend(font: str, x: float, y: float, items: list[tuple[str, str]], columns: int = 1) -> Legend:
    legend = Legend()
    legend.x, legend.y = x, y
    legend.fontName, legend.fontSize = font, 7.5
    legend.alignment = "right"
    legend.columnMaximum = max(1, -(-len(items) // columns))
    legend.colorNamePairs = [(colors.HexColor(c), name) for c, name in items]
    legend.dx = legend.dy = 7
    legend.deltay = 10
    return legend


def _bars(
    page: _Page,
    labels: list[str],
    series: list[tuple[str, list[float]]],
    *,
    stacked: bool = False,
    horizontal: bool = False,
    value_max: float | None = None,
) -> Drawing:
    """A bar chart (one colour per series, a legend when there are several)."""
    rows = max(len(labels), 1)
    height = max(110.0, 16.0 * rows + 40) if horizontal else 170.0
    drawing = Drawing(WIDTH, height + (16 * ((len(series) + 2) // 3) if len(series) > 1 else 0))
    chart: Any = HorizontalBarChart() if horizontal else VerticalBarChart()
    legend_h = drawing.height - height
    chart.x, chart.y = (110 if horizontal else 34), 24 + legend_h
    chart.width, chart.height = WIDTH - chart.x - 10, height - 34
    chart.data = [values or [0] for _, values in series] or [[0]]
    chart.categoryAxis.categoryNames = labels or ["—"]
    if stacked:
        chart.categoryAxis.style = "stacked"
    _axis_fonts(chart, page.font)
    if value_max is not None:
        chart.valueAxis.valueMin, chart.valueAxis.valueMax = 0, value_max
    if not horizontal and len(labels) > 12:
        chart.categoryAxis.labels.angle = 45
        chart.categoryAxis.labels.boxAnchor = "ne"
    for i in range(len(series)):
        chart.bars[i].fillColor = colors.HexColor(PALETTE[i % len(PALETTE)])
        chart.bars[i].strokeColor = None
    drawing.add(chart)
    if len(series) > 1:
        items = [(PALETTE[i % len(PALETTE)], name) for i, (name, _) in enumerate(series)]
        drawing.add(_legend(page.font, 34, legend_h - 4, items, columns=3))
    return drawing


def _lines(page: _Page, labels: list[str], series: list[tuple[str, list[float]]]) -> Drawing:
    drawing = Drawing(WIDTH, 190 + 16 * ((len(series) + 2) // 3))
    chart = HorizontalLineChart()
    legend_h = drawing.height - 190
    chart.x, chart.y, chart.width, chart.height = 34, 30 + legend_h, WIDTH - 44, 150
    chart.data = [values or [0] for _, values in series]
    chart.categoryAxis.categoryNames = labels
    _axis_fonts(chart, page.font)
    if len(labels) > 16:
        chart.categoryAxis.labels.angle = 45
        chart.categoryAxis.labels.boxAnchor = "ne"
    for i in range(len(series)):
        chart.lines[i].strokeColor = colors.HexColor(PALETTE[i % len(PALETTE)])
        chart.lines[i].strokeWidth = 1.4
    drawing.add(chart)
    items = [(PALETTE[i % len(PALETTE)], name) for i, (name, _) in enumerate(series)]
    drawing.add(_legend(page.font, 34, legend_h - 4, items, columns=3))
    return drawing


def _pie(page: _Page, counts: dict[str, int], label: Callable[[str], str]) -> Drawing:
    drawing = Drawing(WIDTH, 150)
    pie = Pie()
    pie.x, pie.y, pie.width, pie.height = 20, 10, 130, 130
    pie.data = list(counts.values())
    pie.labels = None
    for i in range(len(pie.data)):
        pie.slices[i].fillColor = colors.HexColor(PALETTE[i % len(PALETTE)])
        pie.slices[i].strokeColor = colors.white
    drawing.add(pie)
    items = [(PALETTE[i % len(PALETTE)], f"{label(k)}  {n}") for i, (k, n) in enumerate(counts.items())]
    drawing.add(_legend(page.font, 190, 140, items))
    return drawing


def _passes(page: _Page, data: dict[str, Any]) -> list[Flowable]:
    t, kinds = page.t, data["kinds"]
    names = [page.label("kind", k) for k in kinds]
    hours = [str(h["hour"]) for h in data["hours"]]
    hourly = page.section(
        t("reports.passes_hour"),
        _bars(
            page,
            hours,
            [(n, [h[k] for h in data["hours"]]) for n, k in zip(names, kinds, strict=True)],
            stacked=True,
        ),
        Spacer(1, 2 * mm),
        page.table(
            [t("reports.hour"), *names, t("reports.total")],
            [
                [h["hour"], *[h[k] for k in kinds], sum(h[k] for k in kinds)]
                for h in data["hours"]
                if any(h[k] for k in kinds)
            ]
            or [["—", *["0" for _ in kinds], 0]],
        ),
    )
    dates = [d["date"][5:] for d in data["days"]]
    daily = page.section(
        t("reports.passes_day"),
        _lines(page, dates, [(n, [d[k] for d in data["days"]]) for n, k in zip(names, kinds, strict=True)]),
        Spacer(1, 2 * mm),
        page.table(
            [t("reports.date"), *names, t("reports.total")],
            [[d["date"], *[d[k] for k in kinds], sum(d[k] for k in kinds)] for d in data["days"]],
        ),
    )
    return hourly + daily


def _alarms(page: _Page, data: dict[str, Any]) -> list[Flowable]:
    t = page.t
    out: list[Flowable] = [Spacer(1, 3 * mm), Paragraph(t("reports.alarm_total", n=data["total"]), page.body)]
    if not data["total"]:
        return [*page.section(t("reports.alarm_kind"), Paragraph(t("reports.no_alarms"), page.body))]
    out += page.section(
        t("reports.alarm_kind"),
        _pie(page, data["by_kind"], lambda k: page.label("alarmkind", k)),
        page.table(
            [t("reports.alarm_kind"), t("reports.count")],
            [[page.label("alarmkind", k), n] for k, n in data["by_kind"].items()],
        ),
    )
    disp = data["by_disposition"]
    out += page.section(
        t("reports.alarm_disposition"),
        _bars(
            page,
            [page.label("disposition", k) for k in disp],
            [(t("kind.alarm"), list(disp.values()))],
            horizontal=True,
        ),
        page.table(
            [t("alarm.disposition"), t("reports.count")],
            [[page.label("disposition", k), n] for k, n in disp.items()],
        ),
    )
    zones = data["by_zone"]
    out += page.section(
        t("reports.alarm_zone"),
        page.table([t("alarm.zone"), t("reports.count")], [[k, n] for k, n in zones.items()]),
    )
    return out


def _devices(page: _Page, rows: list[dict[str, Any]]) -> list[Flowable]:
    t = page.t
    known = [d for d in rows if d["availability"] is not None]
    chart = _bars(
        page,
        [d["name"] for d in known],
        [(t("reports.availability"), [round(d["availability"] * 100, 1) for d in known])],
        horizontal=True,
        value_max=100,
    )
    table = page.table(
        [
            t("common.device"),
            t("reports.serial"),
            t("common.status"),
            t("reports.availability"),
            t("reports.offline_events"),
        ],
        [
            [
                d["name"],
                d["serial"],
                page.label("status", d["status"]),
                t("reports.no_data") if d["availability"] is None else f"{d['availability'] * 100:.1f}%",
                d["offline_events"],
            ]
            for d in rows
        ]
        or [["—", "—", "—", "—", "—"]],
    )
    return page.section(t("reports.availability"), chart, Spacer(1, 2 * mm), table)


def _visitors(page: _Page, data: dict[str, Any]) -> list[Flowable]:
    t = page.t
    names = (t("reports.visits"), t("reports.invitations"))
    chart = _bars(
        page,
        [d["date"][5:] for d in data["days"]],
        [
            (names[0], [d["visits"] for d in data["days"]]),
            (names[1], [d["invitations"] for d in data["days"]]),
        ],
    )
    table = page.table(
        [t("reports.date"), *names],
        [[d["date"], d["visits"], d["invitations"]] for d in data["days"]]
        + [[t("reports.total"), data["visits"], data["invitations"]]],
    )
    return page.section(t("reports.visitors"), chart, Spacer(1, 2 * mm), table)


def render(
    report: dict[str, Any],
    t: Callable[..., str],
    *,
    community: str,
    timezone: str,
    generated_at: dt.datetime,
    progress: Progress | None = None,
) -> bytes:
    """The whole report (`reports.bundle` output) as PDF bytes; `progress(done, total)` per section."""
    page = _Page(t)
    steps: list[Callable[[], list[Flowable]]] = [
        lambda: _passes(page, report["passes"]),
        lambda: _alarms(page, report["alarms"]),
        lambda: _devices(page, report["devices"]),
        lambda: _visitors(page, report["visitors"]),
    ]
    story: list[Flowable] = [
        Paragraph(t("reports.title", community=community), page.h1),
        Paragraph(t("reports.period", days=report["days"], date=report["date"], tz=timezone), page.body),
        Paragraph(t("reports.generated", at=generated_at.strftime("%Y-%m-%d %H:%M")), page.body),
    ]
    total = len(steps) + 1
    for i, step in enumerate(steps, 1):
        story += step()
        if progress:
            progress(i, total)
    buf = io.BytesIO()
    doc = SimpleDocTemplate(
        buf,
        pagesize=A4,
        leftMargin=18 * mm,
        rightMargin=18 * mm,
        topMargin=16 * mm,
        bottomMargin=16 * mm,
        title=t("reports.title", community=community),
        author=community,
    )
    doc.build(story, onFirstPage=_footer(page), onLaterPages=_footer(page))
    if progress:
        progress(total, total)
    return buf.getvalue()


def for_period(
    session: Session, settings: Settings, days: int, lang: str = "zh", progress: Progress | None = None
) -> bytes:
    """Collect the last `days` days and render them (what the API route and `sc report pdf` call)."""
    tz = zone(settings.timezone)
    report = reports.bundle(session, tz, days)
    if progress:
        progress(1, 6)
    return render(
        report,
        translator(lang),
        community=settings.community_name,
        timezone=settings.timezone,
        generated_at=utcnow().astimezone(tz),
        progress=(lambda done, total: progress(done + 1, total + 1)) if progress else None,
    )


def _footer(page: _Page) -> Callable[[Any, Any], None]:
    def draw(canvas: Any, doc: Any) -> None:
        canvas.saveState()
        canvas.setFont(page.font, 8)
        canvas.setFillColor(colors.HexColor("#94a3b8"))
        canvas.drawRightString(A4[0] - 18 * mm, 10 * mm, str(doc.page))
        canvas.restoreState()

    return draw
