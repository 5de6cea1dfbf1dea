"""District cloud models: records per community (versioned), passes, alarms, and police-side tables."""

from district_cloud.models.admin import AuditEntry, Community, User, WatchEntry, WatchHit
from district_cloud.models.base import Base, utcnow
from district_cloud.models.events import Alarm, Image, PersonPass, Receipt, VehiclePass
from district_cloud.models.records import Address, House, Person, Residency, Unit, Vehicle

__all__ = [
    "Address",
    "Alarm",
    "AuditEntry",
    "Base",
    "Community",
    "House",
    "Image",
    "Person",
    "PersonPass",
    "Receipt",
    "Residency",
    "Unit",
    "User",
    "Vehicle",
    "VehiclePass",
    "WatchEntry",
    "WatchHit",
    "utcnow",
]
