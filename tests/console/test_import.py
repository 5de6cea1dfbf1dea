"""Excel import: template round trip, row-level errors, nothing written on error unless partial."""

from __future__ import annotations

import io
from collections.abc import Callable

from fastapi.testclient import TestClient
from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select
from typer.testing import CliRunner

from property_console.excel import workbook
from property_console.models import Person
from property_console.runtime import Runtime


def _sheet(rows: list[list[object]], headers: list[str]) -> bytes:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(headers)
    for r in rows:
        ws.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


PERSON_HEADERS = ["证件号码*", "姓名*", "联系电话", "人口类型", "特殊人群"]
GOOD = [
    ["11010519491231002X", "张三", "13800138000", "户籍", "独居老人"],
    ["110105199001010010", "李四", "", "流动", ""],
]


def _count(runtime: Runtime) -> int:
    with runtime.sessions() as db:
        return int(db.execute(select(func.count()).select_from(Person)).scalar_one())


def _post(client: TestClient, data: bytes, **params: object) -> dict:
    files = {"file": ("p.xlsx", data, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")}
    r = client.post("/api/import/persons", files=files, params=params)
    assert r.status_code == 200, r.text
    return r.json()


def test_template_has_headers_and_lists() -> None:
    wb = load_workbook(io.BytesIO(workbook.template("persons")))
    headers = [c.value for c in wb.worksheets[0][1]]
    assert headers[:3] == ["证件类型", "证件号码*", "姓名*"]
    assert wb.worksheets[0].data_validations.dataValidation


def test_good_sheet_is_imported(login: Callable[[str], TestClient], runtime: Runtime) -> None:
    before = _count(runtime)
    report = _post(login("staff"), _sheet(GOOD, PERSON_HEADERS))
    assert report == {"kind": "persons", "rows": 2, "created": 2, "written": True, "errors": []}
    assert _count(runtime) == before + 2


def test_one_bad_row_writes_nothing_and_reports_row_and_column(
    login: Callable[[str], TestClient], runtime: Runtime
) -> None:
    before = _count(runtime)
    rows = [
        *GOOD,
        ["110105199001010031", "王五", "138", "户籍", ""],
        ["11010519491231002X", "重复", "", "", ""],
    ]
    report = _post(login("staff"), _sheet(rows, PERSON_HEADERS))
    assert report["written"] is False and report["created"] == 0
    by_row = {(e["row"], e["column"], e["code"]) for e in report["errors"]}
    assert (4, "证件号码", "id_number.checksum") in by_row
    assert (4, "联系电话", "phone.format") in by_row
    assert (5, "证件号码", "person.duplicate") in by_row
    assert _count(runtime) == before


def test_partial_import_keeps_good_rows(login: Callable[[str], TestClient], runtime: Runtime) -> None:
    before = _count(runtime)
    rows = [*GOOD, ["110105199001010031", "王五", "", "", ""]]
    report = _post(login("staff"), _sheet(rows, PERSON_HEADERS), partial="true")
    assert report["written"] is True and report["created"] == 2 and len(report["errors"]) == 1
    assert _count(runtime) == before + 2


def test_malformed_files_are_refused(login: Callable[[str], TestClient]) -> None:
    staff = login("staff")
    r = staff.post(
        "/api/import/persons", files={"file": ("x.xlsx", b"not a zip at all", "application/octet-stream")}
    )
    assert r.status_code == 422 and r.json()["errors"][0]["code"] == "excel.malformed"
    missing = _sheet([["张三"]], ["姓名*"])
    r = staff.post("/api/import/persons", files={"file": ("x.xlsx", missing, "application/octet-stream")})
    assert (
        r.json()["errors"][0]["code"] == "excel.columns" and "证件号码" in r.json()["errors"][0]["message_zh"]
    )


def test_residencies_and_vehicles_refer_by_code(login: Callable[[str], TestClient], runtime: Runtime) -> None:
    staff = login("staff")
    _post(staff, _sheet(GOOD, PERSON_HEADERS))
    res = _sheet(
        [
            ["11010519491231002X", "C0001-1-1-1-101", "租户", "2024-03-01"],
            ["11010519491231002X", "C0001-9-9-9-999", "租户", "2024-03-01"],
        ],
        ["证件号码*", "地址编码*", "关系*", "开始日期*"],
    )
    files = {"file": ("r.xlsx", res, "application/octet-stream")}
    report = staff.post("/api/import/residencies", files=files).json()
    assert report["written"] is False
    assert [(e["row"], e["column"]) for e in report["errors"]] == [(3, "地址编码")]
    veh = _sheet(
        [["皖A12345", "蓝", "11010519491231002X"], ["皖I12345", "蓝", ""]],
        ["车牌号码*", "号牌颜色", "车主证件号码"],
    )
    report = staff.post(
        "/api/import/vehicles", files={"file": ("v.xlsx", veh, "application/octet-stream")}
    ).json()
    assert [(e["row"], e["column"]) for e in report["errors"]] == [(3, "车牌号码")]


def test_export_applies_the_role_view(login: Callable[[str], TestClient]) -> None:
    data = login("staff").get("/api/export/persons").content
    ws = load_workbook(io.BytesIO(data)).worksheets[0]
    ids = [row[1] for row in ws.iter_rows(min_row=2, values_only=True)]
    assert ids and all("*" in str(i) for i in ids)
    data = login("police").get("/api/export/persons").content
    ids = [
        row[1] for row in load_workbook(io.BytesIO(data)).worksheets[0].iter_rows(min_row=2, values_only=True)
    ]
    assert all("*" not in str(i) for i in ids)


def test_cli_import_with_progress(runtime: Runtime, tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from property_console.cli import app

    monkeypatch.setenv("SC_MODE", "test")
    monkeypatch.setenv("SC_DATABASE_URL", runtime.engine.url.render_as_string(hide_password=False))
    monkeypatch.setenv("SC_DATA_DIR", str(tmp_path))
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(_sheet([*GOOD, ["110105199001010031", "王五", "", "", ""]], PERSON_HEADERS))
    before = _count(runtime)
    result = CliRunner().invoke(app, ["import", "persons", str(bad)])
    assert result.exit_code == 1 and "未写入" in result.output and "校验位" in result.output
    assert _count(runtime) == before
    good = tmp_path / "good.xlsx"
    good.write_bytes(_sheet(GOOD, PERSON_HEADERS))
    result = CliRunner().invoke(app, ["import", "persons", str(good)])
    assert result.exit_code == 0, result.output
    assert _count(runtime) == before + 2
