"""Exception handlers producing the one error schema: {"errors": [{field, code, message_zh, message_en}]}."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import ValidationError
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError
from starlette.exceptions import HTTPException

from property_console.errors import DomainError, ErrorBody, FieldError

# pydantic's own error types in plain Chinese
PYDANTIC_ZH = {
    "missing": "必填项",
    "extra_forbidden": "不允许的字段",
    "string_too_long": "长度超过上限",
    "string_too_short": "长度不足",
    "string_pattern_mismatch": "格式不正确",
    "string_type": "应为文本",
    "literal_error": "取值不在允许范围内",
    "enum": "取值不在允许范围内",
    "uuid_parsing": "编号格式无效",
    "uuid_type": "编号格式无效",
    "date_parsing": "日期格式无效，应为YYYY-MM-DD",
    "date_from_datetime_parsing": "日期格式无效，应为YYYY-MM-DD",
    "date_type": "日期格式无效",
    "int_parsing": "应为整数",
    "int_type": "应为整数",
    "float_parsing": "应为数字",
    "decimal_parsing": "应为数字",
    "decimal_max_digits": "数字位数过多",
    "decimal_max_places": "小数位数过多",
    "greater_than": "数值过小",
    "greater_than_equal": "数值过小",
    "less_than": "数值过大",
    "less_than_equal": "数值过大",
    "too_long": "项目过多",
    "json_invalid": "JSON格式错误",
    "bool_parsing": "应为是/否",
    "list_type": "应为列表",
}


def field_errors_from_pydantic(
    errors: list[Any], skip_prefix: tuple[str, ...] = ("body", "query", "path")
) -> list[FieldError]:
    """Translate pydantic error dicts into FieldErrors (zh-CN from our codes or the table above)."""
    out = []
    for e in errors:
        ctx = e.get("ctx") or {}
        loc = [str(p) for p in e.get("loc", ()) if str(p) not in skip_prefix]
        field = ".".join(loc) or ctx.get("field") or None
        code = e.get("type", "invalid")
        zh = ctx.get("zh") or PYDANTIC_ZH.get(code, "输入无效")
        out.append(
            FieldError(code=code, message_zh=zh, message_en=e.get("msg", "invalid input"), field=field)
        )
    return out


def _body(status: int, errors: list[FieldError]) -> JSONResponse:
    return JSONResponse(ErrorBody(errors).as_dict(), status_code=status)


def install(app: FastAPI) -> None:
    """Register the handlers on the app."""

    @app.exception_handler(DomainError)
    async def domain(_: Request, exc: DomainError) -> JSONResponse:
        return _body(exc.status_code, exc.errors)

    @app.exception_handler(RequestValidationError)
    async def invalid(_: Request, exc: RequestValidationError) -> JSONResponse:
        return _body(422, field_errors_from_pydantic(list(exc.errors())))

    @app.exception_handler(ValidationError)
    async def invalid_inner(_: Request, exc: ValidationError) -> JSONResponse:
        return _body(422, field_errors_from_pydantic(list(exc.errors())))

    @app.exception_handler(IntegrityError)
    async def integrity(_: Request, exc: IntegrityError) -> JSONResponse:
        return _body(
            409, [FieldError("conflict", "与已有记录冲突（重复或关联无效）", "Conflicts with stored data")]
        )

    @app.exception_handler(StaleDataError)
    async def stale(_: Request, exc: StaleDataError) -> JSONResponse:
        return _body(
            409, [FieldError("stale", "记录已被他人修改，请刷新后重试", "Record was changed by someone else")]
        )

    @app.exception_handler(HTTPException)
    async def http(_: Request, exc: HTTPException) -> JSONResponse:
        zh = {404: "未找到", 405: "不支持的请求方法", 413: "上传内容过大"}.get(exc.status_code, "请求错误")
        return _body(exc.status_code, [FieldError(f"http.{exc.status_code}", zh, str(exc.detail))])
