"""Per-field view rules (full / masked / hidden) for each role; unlisted roles see nothing personal."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Literal

from property_console.security.roles import Role
from property_console.validators.id_number import mask_id_number
from property_console.validators.phone import mask_phone

Rule = Literal["full", "masked", "hidden"]
R, S, A, G, CP, DP = (
    Role.RESIDENT,
    Role.PROPERTY_STAFF,
    Role.PROPERTY_ADMIN,
    Role.GRID_WORKER,
    Role.COMMUNITY_POLICE,
    Role.DISTRICT_POLICE,
)

# entity -> field -> role -> rule. Fields not listed are not personal and shown to anyone who may read the record.
FIELD_RULES: dict[str, dict[str, dict[Role, Rule]]] = {
    "person": {
        "id_number": {R: "masked", S: "masked", A: "masked", G: "masked", CP: "full", DP: "full"},
        "phone": {R: "full", S: "full", A: "full", G: "full", CP: "full", DP: "full"},
        "birth_date": {R: "full", S: "masked", A: "masked", G: "full", CP: "full", DP: "full"},
        "ethnicity": {R: "full", S: "hidden", A: "hidden", G: "full", CP: "full", DP: "full"},
        "special_categories": {R: "hidden", S: "hidden", A: "hidden", G: "full", CP: "full", DP: "full"},
        "note": {R: "hidden", S: "full", A: "full", G: "full", CP: "full", DP: "full"},
    },
    "organisation": {
        "contact_phone": {R: "hidden", S: "full", A: "full", G: "full", CP: "full", DP: "full"},
    },
}


def _mask(field: str, value: Any) -> Any:
    maskers: dict[str, Callable[[str], str]] = {
        "id_number": mask_id_number,
        "phone": mask_phone,
        "contact_phone": mask_phone,
    }
    if value is None:
        return None
    if field in maskers:
        return maskers[field](str(value))
    if field == "birth_date":
        return str(value)[:4] + "-**-**"  # year only
    return "***"


def rule_for(entity: str, field: str, role: str) -> Rule:
    """The rule for one field; a personal field with no rule for this role is hidden (default deny)."""
    rules = FIELD_RULES.get(entity, {}).get(field)
    if rules is None:
        return "full"
    try:
        return rules.get(Role(role), "hidden")
    except ValueError:
        return "hidden"


def apply_view(entity: str, role: str, data: dict[str, Any]) -> dict[str, Any]:
    """Return a copy of a serialised record with each personal field shown, masked or removed per role."""
    out: dict[str, Any] = {}
    for field, value in data.items():
        rule = rule_for(entity, field, role)
        if rule == "full":
            out[field] = value
        elif rule == "masked":
            out[field] = _mask(field, value)
    return out
