"""Console-side helpers for gate tests: a system user for the gate, and a bus subscriber that ingests events."""

from __future__ import annotations

from devices.bus import Event, InProcessBus
from property_console.bus_bridge import to_ingest_payload as bridge_payload
from property_console.events import ingest
from property_console.runtime import Runtime
from property_console.schemas.user import UserCreate
from property_console.security.roles import Role
from property_console.seed import DEMO_PASSWORD
from property_console.services.users import create_user

GATE_USER = "gate-north"


def add_gate_user(runtime: Runtime) -> str:
    """A system-role account the edge gate logs in with."""
    with runtime.sessions.begin() as db:
        body = UserCreate(
            username=GATE_USER, display_name="北门道闸", role=Role.SYSTEM, password=DEMO_PASSWORD
        )
        create_user(db, body)
    return GATE_USER


def ingest_from_bus(hub: InProcessBus, runtime: Runtime, community: str = "C0001") -> list[str]:
    """Subscribe like the console's bridge: every gate event through the bridge's mapping into ingest."""
    stored: list[str] = []

    def on_event(topic: str, payload: bytes) -> None:
        event = Event.from_bytes(payload)
        with runtime.sessions() as db:
            mapped = bridge_payload(event)
            assert mapped is not None
            ingest(db, mapped, source="bus")
            db.commit()
        stored.append(event.kind)

    hub.connect().subscribe(f"sc/{community}/+/event/#", on_event)
    return stored
