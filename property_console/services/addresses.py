"""Creating standard addresses: the level must follow its parent's, the code is derived and stable."""

from __future__ import annotations

from sqlalchemy.orm import Session

from property_console.errors import Conflict, DomainError
from property_console.models import LEVELS, Address
from property_console.schemas.address import AddressCreate

LEVEL_ZH = {"community": "小区", "building": "楼栋", "unit": "单元", "floor": "楼层", "room": "房间"}


def create_address(db: Session, body: AddressCreate) -> Address:
    """Validate the place in the hierarchy and derive code and full name from the parent."""
    parent = db.get(Address, body.parent_id) if body.parent_id else None
    if body.parent_id and parent is None:
        raise DomainError.one("address.parent", "上级地址不存在", "Parent address not found", "parent_id")
    if body.level == "community":
        if parent is not None:
            raise DomainError.one(
                "address.level", "小区不能有上级地址", "A community has no parent", "parent_id"
            )
        code, full_name = body.segment, body.name
    else:
        expected = LEVELS[LEVELS.index(body.level) - 1]
        # A room may hang directly under a building or unit (villas, shops) as well as under a floor.
        ok = parent is not None and (
            parent.level == expected or (body.level == "room" and parent.level in ("building", "unit"))
        )
        if not ok:
            raise DomainError.one(
                "address.level",
                f"{LEVEL_ZH[body.level]}的上级应为{LEVEL_ZH[expected]}",
                f"A {body.level} must sit under a {expected}",
                "parent_id",
            )
        assert parent is not None
        code, full_name = f"{parent.code}-{body.segment}", parent.full_name + body.name
    if db.query(Address.id).filter(Address.code == code).first():
        raise Conflict.one(
            "address.duplicate", f"地址编码 {code} 已存在", f"Address code {code} exists", "segment"
        )
    addr = Address(
        code=code,
        level=body.level,
        parent_id=body.parent_id,
        full_name=full_name,
        **body.model_dump(exclude={"level", "parent_id", "segment"}),
    )
    db.add(addr)
    db.flush()
    return addr
