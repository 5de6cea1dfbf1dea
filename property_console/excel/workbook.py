"""Templates and exports as .xlsx (openpyxl)."""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence

from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.worksheet.datavalidation import DataValidation

from property_console.excel.labels import LABELS
from property_console.excel.sheets import KIND_ZH, SHEETS, Column


def _header(ws: object, columns: Sequence[Column]) -> None:
    ws.append([c.header + ("*" if c.required else "") for c in columns])  # type: ignore[attr-defined]
    for i, col in enumerate(columns, start=1):
        cell = ws.cell(row=1, column=i)  # type: ignore[attr-defined]
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = PatternFill("solid", fgColor="1F4E79" if col.required else "5B9BD5")
        ws.column_dimensions[cell.column_letter].width = max(12, len(col.header) * 2 + 4)  # type: ignore[attr-defined]


def template(kind: str) -> bytes:
    """An empty sheet with headers (required ones marked *), one example row, and drop-down lists for codes."""
    columns = SHEETS[kind]
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = KIND_ZH[kind]
    _header(ws, columns)
    ws.append([c.example for c in columns])
    for i, col in enumerate(columns, start=1):
        if col.coded and not col.multi:
            options = ",".join(LABELS[col.field].values())
            dv = DataValidation(type="list", formula1=f'"{options}"', allow_blank=not col.required)
            ws.add_data_validation(dv)
            letter = ws.cell(row=1, column=i).column_letter
            dv.add(f"{letter}2:{letter}10000")
    notes = wb.create_sheet("说明")
    notes.append(["带 * 的列为必填；第2行为示例，导入前请删除或替换。日期格式 YYYY-MM-DD。"])
    for col in columns:
        if col.coded:
            notes.append([col.header, "、".join(LABELS[col.field].values())])
    return _save(wb)


def export(kind: str, rows: Iterable[Sequence[object]]) -> bytes:
    wb = Workbook(write_only=False)
    ws = wb.active
    assert ws is not None
    ws.title = KIND_ZH[kind]
    _header(ws, SHEETS[kind])
    for row in rows:
        ws.append(list(row))
    return _save(wb)


def _save(wb: Workbook) -> bytes:
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
