"""Roles and what each may do. Anything not granted here is denied."""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    RESIDENT = "resident"
    PROPERTY_STAFF = "property_staff"
    PROPERTY_ADMIN = "property_admin"
    GRID_WORKER = "grid_worker"
    COMMUNITY_POLICE = "community_police"
    DISTRICT_POLICE = "district_police"
    SYSTEM = "system"


ROLE_NAMES_ZH = {
    Role.RESIDENT: "住户",
    Role.PROPERTY_STAFF: "物业员工",
    Role.PROPERTY_ADMIN: "物业管理员",
    Role.GRID_WORKER: "网格员",
    Role.COMMUNITY_POLICE: "社区民警",
    Role.DISTRICT_POLICE: "区县民警",
    Role.SYSTEM: "系统",
}

_RECORDS = ("addresses", "houses", "persons", "residencies", "organisations", "vehicles")
_READ_ALL = {f"{r}:read" for r in _RECORDS}
_WRITE_ALL = {f"{r}:write" for r in _RECORDS if r != "addresses"}
_STAFF = (
    _READ_ALL
    | _WRITE_ALL
    | {"devices:read", "devices:write", "alarms:read", "alarms:handle", "import", "export"}
)

PERMISSIONS: dict[Role, frozenset[str]] = {
    # Residents read their own household only (scoped in the routes).
    Role.RESIDENT: frozenset({"houses:read", "persons:read", "residencies:read", "vehicles:read"}),
    Role.PROPERTY_STAFF: frozenset(_STAFF),
    Role.PROPERTY_ADMIN: frozenset(_STAFF | {"addresses:write", "users:read", "users:write", "audit:read"}),
    Role.GRID_WORKER: frozenset(_READ_ALL),
    Role.COMMUNITY_POLICE: frozenset(_READ_ALL | {"alarms:read", "devices:read", "audit:read", "export"}),
    Role.DISTRICT_POLICE: frozenset(_READ_ALL | {"alarms:read", "audit:read", "export"}),
    Role.SYSTEM: frozenset(
        _READ_ALL | _WRITE_ALL | {"devices:read", "devices:write", "alarms:read", "alarms:handle"}
    ),
}


def allowed(role: str, permission: str) -> bool:
    """True when the role holds the permission; "self" (one's own account) is held by every role."""
    try:
        return permission == "self" or permission in PERMISSIONS[Role(role)]
    except ValueError:
        return False
