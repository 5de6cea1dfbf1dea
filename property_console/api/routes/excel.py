"""Excel templates, imports (row-level error report, all-or-nothing unless partial) and exports."""

from __future__ import annotations

from typing import Annotated, Any, Literal
from urllib.parse import quote

from fastapi import APIRouter, Request, Response, UploadFile

from property_console.api.deps import Ctx, allow
from property_console.api.services import services_of
from property_console.excel import workbook
from property_console.excel.export import export_rows
from property_console.excel.importer import import_sheet
from property_console.excel.sheets import KIND_ZH
from property_console.services.uploads import read_limited

router = APIRouter(prefix="/api", tags=["excel"])
Kind = Literal["houses", "persons", "residencies", "vehicles"]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _xlsx(data: bytes, name: str) -> Response:
    disposition = f"attachment; filename*=UTF-8''{quote(name)}"
    return Response(data, media_type=XLSX, headers={"Content-Disposition": disposition})


@router.get("/import/{kind}/template")
def template(kind: Kind, ctx: Annotated[Ctx, allow("import")]) -> Response:
    return _xlsx(workbook.template(kind), f"{KIND_ZH[kind]}导入模板.xlsx")


@router.post("/import/{kind}")
async def import_file(
    kind: Kind,
    file: UploadFile,
    request: Request,
    ctx: Annotated[Ctx, allow("import")],
    partial: bool = False,
) -> dict[str, Any]:
    """Import a filled-in template. With any bad row nothing is written unless partial=true."""
    data = await read_limited(file, services_of(request.app).settings.max_upload_bytes)
    report = import_sheet(ctx.db, kind, data, partial=partial)
    if not report.written:
        ctx.db.rollback()
    ctx.audit(
        "import", kind, [], {"rows": report.rows, "created": report.created, "errors": len(report.errors)}
    )
    return report.as_dict()


@router.get("/export/{kind}")
def export_file(kind: Kind, ctx: Annotated[Ctx, allow("export")]) -> Response:
    rows = list(export_rows(ctx.db, kind, ctx.who.role))
    ctx.audit("export", kind, [], {"rows": len(rows)})
    return _xlsx(workbook.export(kind, rows), f"{KIND_ZH[kind]}.xlsx")
