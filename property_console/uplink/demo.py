"""`sc demo` data: give the uplink some passes to send (sc_cli/demo.py starts the district next to the console)."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import random
import uuid

from PIL import Image
from sqlalchemy import select
from sqlalchemy.orm import Session

from property_console.models import Capture, OutboxEntry, Person, Vehicle, utcnow
from property_console.uplink.events import enqueue


def _jpeg(rng: random.Random) -> bytes:
    img = Image.new("RGB", (96, 96), tuple(rng.randint(60, 200) for _ in range(3)))
    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=70)
    return buf.getvalue()


def _capture(db: Session, data: bytes) -> str:
    sha = hashlib.sha256(data).hexdigest()
    if db.get(Capture, sha) is None:
        db.add(Capture(sha256=sha, content_type="image/jpeg", size=len(data), data=data, created_at=utcnow()))
    return sha


def demo_passes(db: Session, rng: random.Random) -> int:
    """Queue vehicle passes of the demo cars and face passes of some residents (once per database)."""
    if db.execute(select(OutboxEntry.seq).where(OutboxEntry.kind == "vehicle_pass").limit(1)).first():
        return 0
    now, n = utcnow(), 0
    for car in db.execute(select(Vehicle).order_by(Vehicle.plate).limit(8)).scalars():
        for k in range(3):
            t = now - dt.timedelta(hours=rng.uniform(0, 24))
            sha = _capture(db, _jpeg(rng))
            enqueue(
                db,
                "vehicle_pass",
                {
                    "device_id": "LPR-N-0001",
                    "shot_time": t.isoformat(),
                    "plate": car.plate,
                    "plate_color": car.plate_color,
                    "direction": "in" if k % 2 == 0 else "out",
                    "decision": "open",
                    "location": "北门",
                    "capture_sha256": sha,
                },
                uuid.uuid4(),
            )
            n += 1
    for p in db.execute(select(Person).order_by(Person.id_number).limit(6)).scalars():
        t = now - dt.timedelta(hours=rng.uniform(0, 24))
        sha = _capture(db, _jpeg(rng))
        enqueue(
            db,
            "door_pass",
            {
                "device_id": "DOOR-1-1-0001",
                "shot_time": t.isoformat(),
                "person_id": str(p.id),
                "id_number": p.id_number,
                "name": p.name,
                "decision": "granted",
                "similarity": 0.93,
                "direction": "in",
                "location": "1栋1单元",
                "capture_sha256": sha,
            },
            uuid.uuid4(),
        )
        n += 1
    return n
