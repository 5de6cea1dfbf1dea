"""Import a sheet: validate every row with the API's own schemas, report (row, column, reason), all or nothing."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from openpyxl import load_workbook
from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from property_console.api.errors import field_errors_from_pydantic
from property_console.errors import DomainError, FieldError
from property_console.excel.labels import to_code
from property_console.excel.sheets import SHEETS, Column
from property_console.models import Address, House
from property_console.schemas.house import HouseCreate
from property_console.schemas.person import PersonCreate
from property_console.schemas.residency import ResidencyCreate
from property_console.schemas.vehicle import VehicleCreate
from property_console.services import records

MAX_ROWS = 100_000
Progress = Callable[[int, int], None]


@dataclass
class RowError:
    row: int
    column: str
    code: str
    message_zh: str
    message_en: str


@dataclass
class ImportReport:
    kind: str
    rows: int = 0
    created: int = 0
    errors: list[RowError] = field(default_factory=list)
    written: bool = False

    def as_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "rows": self.rows,
            "created": self.created,
            "written": self.written,
            "errors": [e.__dict__ for e in self.errors],
        }


def _malformed(reason_en: str) -> DomainError:
    return DomainError.one("excel.malformed", "文件不是有效的Excel(.xlsx)表格", reason_en, "file")


def read_rows(data: bytes, kind: str) -> list[tuple[int, dict[str, str]]]:
    """Parse the first sheet into (row number, {field: text}); headers are matched by name, order is free."""
    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise _malformed(f"not a readable .xlsx file: {exc.__class__.__name__}") from None
    ws = wb.worksheets[0]
    rows = ws.iter_rows(values_only=True)
    header = [str(h).strip().rstrip("*") if h is not None else "" for h in next(rows, ())]
    columns = {c.header: c for c in SHEETS[kind]}
    missing = [c.header for c in SHEETS[kind] if c.required and c.header not in header]
    if missing:
        raise DomainError.one(
            "excel.columns",
            f"缺少必填列：{'、'.join(missing)}",
            f"Missing required columns: {missing}",
            "file",
        )
    out = []
    for n, values in enumerate(rows, start=2):
        if n - 1 > MAX_ROWS:
            raise DomainError.one("excel.too_many_rows", f"行数超过上限 {MAX_ROWS}", "Too many rows", "file")
        cells = {columns[h].field: _text(v) for h, v in zip(header, values, strict=False) if h in columns}
        if any(cells.values()):
            out.append((n, cells))
    wb.close()
    return out


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _payload(kind: str, cells: dict[str, str]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    col: Column
    for col in SHEETS[kind]:
        raw = cells.get(col.field, "")
        if raw == "":
            continue
        if col.multi:
            out[col.field] = [to_code(col.field, p) for p in raw.replace("、", ",").split(",") if p.strip()]
        else:
            out[col.field] = to_code(col.field, raw) if col.coded else raw
    return out


def _lookup(db: Session, model: Any, column: Any, value: str, fld: str, zh: str) -> Any:
    found = db.execute(select(model.id).where(column == value)).scalar_one_or_none()
    if found is None:
        raise DomainError.one(f"{fld}.not_found", f"{zh}不存在：{value}", f"{fld} not found: {value}", fld)
    return found


def _house_id(db: Session, address_code: str) -> Any:
    addr = _lookup(db, Address, Address.code, address_code, "address_code", "地址编码")
    return _lookup(db, House, House.address_id, addr, "address_code", "该地址的房屋")


def _person_id(db: Session, id_type: str, id_number: str, fld: str) -> Any:
    person = records.find_person(db, id_type or "resident_id", id_number.strip().upper())
    if person is None:
        raise DomainError.one(
            f"{fld}.not_found", f"人员不存在：{id_number}", f"person not found: {id_number}", fld
        )
    return person.id


def _create(db: Session, kind: str, data: dict[str, Any]) -> None:
    """Resolve codes to ids, validate with the API schema, create through the same service as the API."""
    if kind == "persons":
        records.create_person(db, PersonCreate.model_validate(data))
    elif kind == "houses":
        data["address_id"] = _lookup(
            db, Address, Address.code, data.pop("address_code", ""), "address_code", "地址编码"
        )
        records.create_house(db, HouseCreate.model_validate(data))
    elif kind == "residencies":
        data["person_id"] = _person_id(db, data.pop("id_type", ""), data.pop("id_number", ""), "id_number")
        data["house_id"] = _house_id(db, data.pop("address_code", ""))
        records.create_residency(db, ResidencyCreate.model_validate(data))
    elif kind == "vehicles":
        if owner := data.pop("owner_id_number", None):
            data["owner_id"] = _person_id(db, "resident_id", owner, "owner_id_number")
        if code := data.pop("address_code", None):
            data["house_id"] = _house_id(db, code)
        records.create_vehicle(db, VehicleCreate.model_validate(data))


def import_sheet(
    db: Session, kind: str, data: bytes, *, partial: bool = False, progress: Progress | None = None
) -> ImportReport:
    """Validate and create every row; with errors and not `partial`, nothing is written (caller commits)."""
    if kind not in SHEETS:
        raise DomainError.one("excel.kind", "不支持的导入类型", f"Unknown import kind {kind}", "kind")
    rows = read_rows(data, kind)
    report = ImportReport(kind, rows=len(rows))
    headers = {c.field: c.header for c in SHEETS[kind]}
    headers.update(address_id="地址编码", person_id="证件号码", house_id="地址编码", owner_id="车主证件号码")
    for i, (n, cells) in enumerate(rows, start=1):
        try:
            with db.begin_nested():
                _create(db, kind, _payload(kind, cells))
            report.created += 1
        except ValidationError as exc:
            _add(report, n, headers, field_errors_from_pydantic(list(exc.errors())))
        except DomainError as exc:
            _add(report, n, headers, exc.errors)
        except IntegrityError:
            _add(report, n, headers, [FieldError("conflict", "与已有记录冲突", "Conflicts with stored data")])
        if progress:
            progress(i, len(rows))
    report.written = report.created > 0 and (partial or not report.errors)
    if not report.written:
        report.created = 0
    return report


def _add(report: ImportReport, row: int, headers: dict[str, str], errors: list[FieldError]) -> None:
    for e in errors:
        column = headers.get(e.field or "", e.field or "")
        report.errors.append(RowError(row, column, e.code, e.message_zh, e.message_en))
