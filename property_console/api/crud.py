"""Small helpers shared by the routes: fetch-or-404, pagination, partial updates, role views."""

from __future__ import annotations

import uuid
from typing import Any, TypeVar

from pydantic import BaseModel
from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from property_console.errors import NotFound
from property_console.models import Base
from property_console.security.views import apply_view

M = TypeVar("M", bound=Base)


def get_or_404(db: Session, model: type[M], record_id: uuid.UUID, what_zh: str) -> M:
    obj = db.get(model, record_id)
    if obj is None:
        raise NotFound.one("not_found", f"{what_zh}不存在", f"{model.__name__} not found", "id")
    return obj


def paginate(db: Session, stmt: Select[Any], page: int, page_size: int) -> tuple[list[Any], int]:
    """Run one page of `stmt` and count the whole result."""
    total = db.execute(select(func.count()).select_from(stmt.order_by(None).subquery())).scalar_one()
    rows = db.execute(stmt.limit(page_size).offset((page - 1) * page_size)).unique().scalars().all()
    return list(rows), int(total)


def apply_update(obj: Any, changes: BaseModel) -> dict[str, Any]:
    """Set the fields the client sent; return them (for the audit trail)."""
    sent = changes.model_dump(exclude_unset=True)
    for field, value in sent.items():
        setattr(obj, field, value)
    return sent


def present(entity: str, role: str, schema: type[BaseModel], obj: Any, **extra: Any) -> dict[str, Any]:
    """Serialise a record through its public schema and the role's field view."""
    data = schema.model_validate({**_attrs(obj), **extra}).model_dump(mode="json")
    return apply_view(entity, role, data)


def _attrs(obj: Any) -> dict[str, Any]:
    return {c.key: getattr(obj, c.key) for c in obj.__mapper__.column_attrs}
