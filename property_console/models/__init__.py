"""SQLAlchemy models of the 一标三实 domain, users, audit trail and alarms."""

from property_console.models.address import LEVELS, Address
from property_console.models.alarm import Alarm
from property_console.models.audit import AuditEntry
from property_console.models.base import Base, Record, utcnow
from property_console.models.device import Device
from property_console.models.house import House
from property_console.models.organisation import Organisation
from property_console.models.person import Person, PersonPhoto
from property_console.models.residency import Residency
from property_console.models.user import LoginSession, User
from property_console.models.vehicle import Vehicle

__all__ = [
    "LEVELS",
    "Address",
    "Alarm",
    "AuditEntry",
    "Base",
    "Device",
    "House",
    "LoginSession",
    "Organisation",
    "Person",
    "PersonPhoto",
    "Record",
    "Residency",
    "User",
    "Vehicle",
    "utcnow",
]
