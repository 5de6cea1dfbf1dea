"""SQLAlchemy models of the 一标三实 domain, users, audit trail and alarms."""

from property_console.models.access import BlacklistEntry, VisitorPass  # noqa: F401  (issue 4: face doors)
from property_console.models.address import LEVELS, Address
from property_console.models.alarm import Alarm
from property_console.models.audit import AuditEntry
from property_console.models.base import Base, Record, utcnow
from property_console.models.device import Device
from property_console.models.doorplate import (  # noqa: F401  (issue 8: doorplate scans and patrol)
    InspectionNote,
    OtpCode,
    PatrolAlarmMark,
    PatrolCheckpoint,
    PatrolRoute,
    PatrolScan,
    PatrolSchedule,
    Registration,
)
from property_console.models.event import Capture, Event, EventReject
from property_console.models.gate import CarPark, FixedSpace, VehicleReservation  # noqa: F401  (issue 5: gate)
from property_console.models.house import House
from property_console.models.live import LiveMessage  # noqa: F401  (issue 10: live push across workers)
from property_console.models.organisation import Organisation
from property_console.models.perimeter import PerimeterPin  # noqa: F401  (issue 7: disarm PINs)
from property_console.models.person import Person, PersonPhoto
from property_console.models.presence import PresenceInterval  # noqa: F401  (issue 23: presence intervals)
from property_console.models.residency import Residency
from property_console.models.user import LoginSession, User
from property_console.models.vehicle import Vehicle
from property_console.uplink.outbox import (  # the outbox; importing it registers its hook
    OutboxEntry,
    UplinkState,
)

__all__ = [
    "LEVELS",
    "Address",
    "Alarm",
    "AuditEntry",
    "Base",
    "Capture",
    "Device",
    "Event",
    "EventReject",
    "House",
    "LoginSession",
    "Organisation",
    "OutboxEntry",
    "Person",
    "PersonPhoto",
    "Record",
    "Residency",
    "UplinkState",
    "User",
    "Vehicle",
    "utcnow",
]
