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
    DOOR = "door"  # a face-door edge process: gallery/pass sync and event ingest only


ROLE_NAMES_ZH = {
    Role.RESIDENT: "住户",
    Role.PROPERTY_STAFF: "物业员工",
    Role.PROPERTY_ADMIN: "物业管理员",
    Role.GRID_WORKER: "网格员",
    Role.COMMUNITY_POLICE: "社区民警",
    Role.DISTRICT_POLICE: "区县民警",
    Role.SYSTEM: "系统",
    Role.DOOR: "门禁终端",
}

_RECORDS = ("addresses", "houses", "persons", "residencies", "organisations", "vehicles")
_READ_ALL = {f"{r}:read" for r in _RECORDS}
_WRITE_ALL = {f"{r}:write" for r in _RECORDS if r != "addresses"}
_STAFF = (
    _READ_ALL
    | _WRITE_ALL
    | {"devices:read", "devices:write", "alarms:read", "alarms:handle", "import", "export"}
    | {"events:read", "dashboard:read", "reports:read", "gates:confirm"}
)

PERMISSIONS: dict[Role, frozenset[str]] = {
    # Residents read their own household only (scoped in the routes).
    Role.RESIDENT: frozenset({"houses:read", "persons:read", "residencies:read", "vehicles:read"}),
    Role.PROPERTY_STAFF: frozenset(_STAFF),
    Role.PROPERTY_ADMIN: frozenset(
        _STAFF | {"addresses:write", "users:read", "users:write", "audit:read", "uplink:read", "uplink:write"}
    ),
    Role.GRID_WORKER: frozenset(_READ_ALL),
    Role.COMMUNITY_POLICE: frozenset(
        _READ_ALL
        | {"alarms:read", "devices:read", "audit:read", "export"}
        | {"events:read", "dashboard:read", "reports:read"}
    ),
    Role.DISTRICT_POLICE: frozenset(_READ_ALL | {"alarms:read", "audit:read", "export", "reports:read"}),
    Role.DOOR: frozenset({"events:ingest"}),  # plus access:sync below; nothing else
    Role.SYSTEM: frozenset(
        _READ_ALL
        | _WRITE_ALL
        | {"devices:read", "devices:write", "alarms:read", "alarms:handle"}
        | {"events:ingest"}
    ),
}


# QR doorplate scan views and electronic patrol (issue 8); residents' confirm is scoped to owners in the route.
_DOORPLATE: dict[Role, frozenset[str]] = {
    Role.RESIDENT: frozenset({"doorplate:register", "doorplate:confirm"}),
    Role.PROPERTY_STAFF: frozenset({"doorplate:view", "doorplate:confirm", "patrol:scan", "patrol:read"}),
    Role.PROPERTY_ADMIN: frozenset(
        {"doorplate:view", "doorplate:confirm", "patrol:scan", "patrol:read", "patrol:write"}
    ),
    Role.GRID_WORKER: frozenset({"doorplate:view", "doorplate:verify", "doorplate:inspect"}),
    Role.COMMUNITY_POLICE: frozenset(
        {"doorplate:view", "doorplate:full", "doorplate:inspect", "doorplate:flag", "patrol:read"}
    ),
    Role.DISTRICT_POLICE: frozenset({"doorplate:view", "doorplate:full"}),
}
PERMISSIONS = {role: perms | _DOORPLATE.get(role, frozenset()) for role, perms in PERMISSIONS.items()}

# Face doors (issue 4): visitor invitations (residents scoped to their building in the route); edge sync.
_ACCESS: dict[Role, frozenset[str]] = {
    Role.RESIDENT: frozenset({"visitor_passes:read", "visitor_passes:write"}),
    Role.PROPERTY_STAFF: frozenset({"visitor_passes:read", "visitor_passes:write", "access:blacklist"}),
    Role.PROPERTY_ADMIN: frozenset({"visitor_passes:read", "visitor_passes:write", "access:blacklist"}),
    Role.SYSTEM: frozenset({"access:sync"}),
    Role.DOOR: frozenset({"access:sync"}),
}
PERMISSIONS = {role: perms | _ACCESS.get(role, frozenset()) for role, perms in PERMISSIONS.items()}


# Barrier gates (issue 5): car parks and reservations; gates poll their lists as the system role.
_GATE: dict[Role, frozenset[str]] = {
    Role.RESIDENT: frozenset({"reservations:read", "reservations:write"}),
    Role.PROPERTY_STAFF: frozenset({"gates:read", "gates:write", "reservations:read", "reservations:write"}),
    Role.PROPERTY_ADMIN: frozenset({"gates:read", "gates:write", "reservations:read", "reservations:write"}),
    Role.SYSTEM: frozenset({"gates:sync", "gates:read"}),
}
PERMISSIONS = {role: perms | _GATE.get(role, frozenset()) for role, perms in PERMISSIONS.items()}

# Perimeter (issue 7): live partitions/zones; staff arm, bypass, reset; disarm also needs the person's PIN.
_PERIMETER_STAFF = frozenset(
    {"perimeter:read", "perimeter:arm", "perimeter:disarm", "perimeter:bypass", "perimeter:reset"}
)
_PERIMETER: dict[Role, frozenset[str]] = {
    Role.PROPERTY_STAFF: _PERIMETER_STAFF,
    Role.PROPERTY_ADMIN: _PERIMETER_STAFF,
    Role.COMMUNITY_POLICE: frozenset({"perimeter:read"}),
}
PERMISSIONS = {role: perms | _PERIMETER.get(role, frozenset()) for role, perms in PERMISSIONS.items()}

# Doors (issue 4): staff may open a door remotely (a visitor at the gate, a delivery), with a reason.
_DOORS = {Role.PROPERTY_STAFF: frozenset({"doors:open"}), Role.PROPERTY_ADMIN: frozenset({"doors:open"})}
PERMISSIONS = {role: perms | _DOORS.get(role, frozenset()) for role, perms in PERMISSIONS.items()}


def allowed(role: str, permission: str) -> bool:
    """True when the role holds the permission; "self" (one's own account) is held by every role."""
    try:
        return permission == "self" or permission in PERMISSIONS[Role(role)]
    except ValueError:
        return False
