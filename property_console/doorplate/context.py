"""What the doorplate routes share: the clock, the code verifier, the optional caller, the audit helper."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from fastapi import Request
from sqlalchemy.orm import Session

from property_console import audit
from property_console.api.deps import bearer_token
from property_console.api.services import services_of
from property_console.errors import Unauthorized
from property_console.models import utcnow
from property_console.services.auth import Principal, principal_for_token
from qr_doorplate.config import DoorplateSettings
from qr_doorplate.keyring import KeyringStore
from qr_doorplate.revocation import RevocationStore
from qr_doorplate.signing import Verifier


def now(request: Request) -> dt.datetime:
    """The current time; tests replace it with `app.state.doorplate_clock`."""
    clock: Callable[[], dt.datetime] = getattr(request.app.state, "doorplate_clock", utcnow)
    return clock()


def doorplate_settings(request: Request) -> DoorplateSettings:
    """Keyring location: SC_DOORPLATE_DATA_DIR if set, else the console's data directory."""
    found: DoorplateSettings | None = getattr(request.app.state, "doorplate_settings", None)
    if found is not None:
        return found
    if os.environ.get("SC_DOORPLATE_DATA_DIR"):
        return DoorplateSettings()
    return DoorplateSettings().model_copy(
        update={"data_dir": Path(services_of(request.app).settings.data_dir)}
    )


def verifier(request: Request) -> Verifier:
    """Keys and revocations read per request, so `sc doorplate revoke` takes effect at once."""
    cfg = doorplate_settings(request)
    keyring = KeyringStore(cfg.keyring_path).load()
    return Verifier(keyring, RevocationStore(cfg.revocations_path).load())


def caller(request: Request, db: Session) -> Principal | None:
    """The logged-in user if the request carries a valid session; anonymous otherwise."""
    token = bearer_token(request)
    if token is None:
        return None
    try:
        return principal_for_token(db, token)
    except Unauthorized:
        return None


def record(
    db: Session, who: Principal, request: Request, action: str, entity: str, ids: Any, detail: dict[str, Any]
) -> None:
    """Audit entry for a doorplate action by a logged-in caller."""
    audit.record(
        db,
        actor=who.username,
        role=who.role,
        action=action,
        entity=entity,
        entity_ids=ids,
        endpoint=f"{request.method} {request.url.path}"[:128],
        detail=detail,
    )
