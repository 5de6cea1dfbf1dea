"""One door: frames → recognise → decide → lock relay, light, voice, events; door contact, fire input."""

from __future__ import annotations

import base64
import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import cv2
import numpy as np

from access.config import GalleryConfig
from access.decision import Category, Debouncer, Decision, LocalCache, debounce_key, decide, decide_qr
from access.engine import FaceEngine, FaceResult
from access.gallery import Gallery
from access.liveness import LivenessConfig, Verdict, check
from access.passes import PassRefused, verify_pass
from access.ports import DoorEvents, Frame, FrameSource, LockRelay, Signals
from access.tracker import FaceTracker

Landmarks68 = Callable[[np.ndarray, FaceResult], np.ndarray]
QrReader = Callable[[np.ndarray], list[str]]


@dataclass(frozen=True)
class DoorConfig:
    """Per-door settings."""

    door_id: str
    rule: GalleryConfig = field(default_factory=GalleryConfig)
    unlock_s: float = 3.0
    debounce_s: float = 5.0
    held_open_s: float = 30.0
    escape_route: bool = True
    liveness: LivenessConfig = field(default_factory=LivenessConfig)
    qr_interval_s: float = 0.5


class DoorController:
    """Decides locally (works offline): the gallery and passes are local, events go to DoorEvents (the outbox, or a JSONL buffer)."""

    def __init__(
        self,
        config: DoorConfig,
        engine: FaceEngine,
        gallery: Gallery,
        cache: LocalCache,
        relay: LockRelay,
        signals: Signals,
        events: DoorEvents,
        landmarks68: Landmarks68 | None = None,
    ) -> None:
        self.config = config
        self.engine, self.gallery, self.cache = engine, gallery, cache
        self.relay, self.signals, self.events = relay, signals, events
        self.landmarks68 = landmarks68
        self.debouncer = Debouncer(config.debounce_s)
        self.tracker = FaceTracker(engine)
        self._tracks: dict[str, list[np.ndarray]] = {}
        self._granted_until = -1.0
        self._opened_at: float | None = None
        self._held_alarmed = False
        self.fire_mode = False
        self.lock = threading.RLock()
        self.qr_reader: QrReader | None = None
        self.pass_key: bytes | None = None
        self.revoked_passes: frozenset[str] = frozenset()
        self._qr_at = -1e9
        if config.liveness.enabled and landmarks68 is None:
            raise ValueError("liveness needs a 68-point landmark function")

    def run(self, source: FrameSource) -> int:
        """Process frames until the source ends; returns the number of frames processed."""
        count = 0
        while (frame := source.read()) is not None:
            self.process(frame)
            count += 1
        return count

    def process(self, frame: Frame) -> list[Decision]:
        """Recognise every face (and a visitor-pass QR) in a frame; act once per person per debounce window."""
        with self.lock:
            return self._faces(frame) + self._qr(frame)

    def _qr(self, frame: Frame) -> list[Decision]:
        """Every qr_interval_s: verify a pass QR held to the camera and act on it (debounced per pass)."""
        if self.qr_reader is None or self.pass_key is None:
            return []
        if frame.mono_s - self._qr_at < self.config.qr_interval_s:
            return []
        self._qr_at = frame.mono_s
        acted = []
        for text in self.qr_reader(frame.image):
            try:
                claims = verify_pass(self.pass_key, text)
            except PassRefused:
                claims = None
            decision = decide_qr(claims, self.config.door_id, frame.wall, self.revoked_passes)
            key = debounce_key(decision)
            if self.debouncer.admit(key, frame.mono_s):
                self._act(decision, frame, None)
                acted.append(decision)
        return acted

    def _faces(self, frame: Frame) -> list[Decision]:
        """Recognise every face in a frame and act on those not acted on within the debounce window."""
        acted = []
        self.tick(frame.mono_s, frame.wall)
        for face in self.tracker.analyse(frame.image, frame.mono_s):
            rule = self.config.rule
            match = self.gallery.identify(
                face.embedding, rule.margin, rule.runner_up_floor, rule.multi_template_offset
            )
            decision = decide(match, rule.visit_threshold, self.config.door_id, frame.wall, self.cache)
            key = debounce_key(decision)
            if not self.debouncer.would_admit(key, frame.mono_s):
                self.debouncer.admit(key, frame.mono_s)  # still there: keep the window open, do nothing
                continue
            if decision.open and self.config.liveness.enabled:
                verdict = self._liveness(key, frame.image, face)
                if verdict is Verdict.UNDECIDED:
                    continue
                if verdict is Verdict.SPOOF:
                    decision = Decision(
                        Category.UNKNOWN,
                        False,
                        "liveness_failed",
                        decision.person,
                        decision.score,
                        alarm=True,
                        light="red",
                    )
            self.debouncer.admit(key, frame.mono_s)
            self._tracks.pop(key, None)
            self._act(decision, frame, face)
            acted.append(decision)
        return acted

    def _liveness(self, key: str, image: np.ndarray, face: FaceResult) -> Verdict:
        """Add this frame's 68 landmarks to the person's track and judge it."""
        assert self.landmarks68 is not None
        track = self._tracks.setdefault(key, [])
        track.append(self.landmarks68(image, face))
        del track[: -2 * self.config.liveness.min_frames]
        return check(track, self.config.liveness).verdict

    def _act(self, decision: Decision, frame: Frame, face: FaceResult | None) -> None:
        """Drive relay, light and voice, and publish the event with a face capture."""
        if decision.open and not self.fire_mode:
            self.relay.unlock(self.config.unlock_s)
            self._granted_until = frame.mono_s + self.config.unlock_s + 2.0
        self.signals.light(decision.light)
        if decision.prompt_zh:
            self.signals.say(decision.prompt_zh)
        kind = (
            "access_granted"
            if decision.open
            else "blacklist_alarm"
            if decision.alarm and decision.category is Category.BLACKLIST
            else "spoof_alarm"
            if decision.alarm
            else "access_denied"
        )
        self._publish(
            kind,
            frame.wall,
            category=decision.category.value,
            person=decision.person,
            score=decision.score,
            reason=decision.reason,
            pass_id=decision.pass_id,
            alarm=decision.alarm,
            box=face.box.as_list() if face else None,
            capture_jpeg=capture(frame.image, face),
        )

    def on_door_contact(self, is_open: bool, mono_s: float, wall: datetime) -> None:
        """Door sensor edge: opening without a grant (and not in fire mode) is a forced-open alarm."""
        with self.lock:
            self._contact(is_open, mono_s, wall)

    def _contact(self, is_open: bool, mono_s: float, wall: datetime) -> None:
        """on_door_contact under the lock."""
        if is_open and self._opened_at is None:
            self._opened_at = mono_s
            self._held_alarmed = False
            if not self.fire_mode and mono_s > self._granted_until:
                self._publish("forced_open", wall, alarm=True)
        elif not is_open:
            self._opened_at = None

    def tick(self, mono_s: float, wall: datetime) -> None:
        """Periodic check: a door held open past held_open_s raises one held-open alarm."""
        with self.lock:
            self._check_held(mono_s, wall)

    def _check_held(self, mono_s: float, wall: datetime) -> None:
        """tick under the lock."""
        if self._opened_at is None or self._held_alarmed or self.fire_mode:
            return
        if mono_s - self._opened_at > self.config.held_open_s:
            self._held_alarmed = True
            self._publish("held_open", wall, alarm=True, open_s=round(mono_s - self._opened_at, 1))

    def remote_open(self, mono_s: float, wall: datetime, by: str, reason: str = "") -> bool:
        """Staff opened the door from the console: pulse the lock (no forced-open alarm follows), record who.

        False (nothing to do) while the door is held released by a fire alarm."""
        with self.lock:
            if self.fire_mode:
                return False
            self.relay.unlock(self.config.unlock_s)
            self._granted_until = mono_s + self.config.unlock_s + 2.0
            self.signals.light("green")
            self._publish("remote_open", wall, category="remote", by=by, reason=reason or None)
            return True

    def on_fire_alarm(self, active: bool, wall: datetime, source: str = "input", reason: str = "") -> None:
        """Fire input: escape-route doors unlock and stay unlocked (fail-safe) until it clears; recorded with
        its source (local input or perimeter command) and the sender's reason."""
        with self.lock:
            if active == self.fire_mode or not self.config.escape_route:
                return
            self.fire_mode = active
            self.relay.hold_unlocked(active)
            kind = "fire_unlock" if active else "fire_restore"
            self._publish(kind, wall, alarm=active, source=source, reason=reason or None)

    def _publish(self, kind: str, wall: datetime, **fields: Any) -> None:
        """Build a versioned event with a UUID and the device time; buffer if the bus is down."""
        event = {
            "v": 1,
            "id": str(uuid.uuid4()),
            "kind": kind,
            "door": self.config.door_id,
            "ts": wall.isoformat(),
            **fields,
        }
        self.events.publish(event)


def capture(image: np.ndarray, face: FaceResult | None, size: int = 112) -> str:
    """A small base64 JPEG of the face (with a margin), or of the whole frame without a face, for the event."""
    crop = image
    if face is not None:
        b = face.box
        m = b.width // 4
        crop = image[max(0, b.y1 - m) : b.y2 + m, max(0, b.x1 - m) : b.x2 + m]
    scale = size / max(crop.shape[:2])
    crop = cv2.resize(crop, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA) if scale < 1 else crop
    ok, data = cv2.imencode(".jpg", crop[:, :, ::-1], [cv2.IMWRITE_JPEG_QUALITY, 80])
    return base64.b64encode(data.tobytes()).decode("ascii") if ok else ""
