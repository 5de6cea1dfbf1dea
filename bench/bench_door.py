"""Door-process latency, frame in → lock relay energised, on simulated hardware (MJPEG camera, Modbus relay board).

Run: .venv/bin/python bench/bench_door.py [--visits 15]

A camera simulator loops 640×480 frames: a street scene without anybody, then a resident (a real LFW photo
scaled to a ≈ 180 px face) for 1.5 s, then nobody again. The door process reads the MJPEG stream, recognises,
decides and writes the lock coil over Modbus TCP; the relay board simulator timestamps the coil. Latency is
from the moment the camera reader had the first frame of the visit decoded to the moment the coil switched on
(it includes waiting for the frame being processed when the visit frame arrived). Baseline in the same run:
per-frame time of face_recognition's default pipeline (face_locations + face_encodings + compare_faces) on
the same frame, with nothing else around it.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import sys
import tempfile
import threading
import time
from pathlib import Path

import cv2
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench_face import compose, import_baseline

from access.config import AccessConfig
from access.edge.camera import CameraFrames
from access.edge.config import DoorProcessConfig, RelayConfig
from access.edge.process import DoorProcess
from access.engine import analyse, create_engine
from access.images import load_rgb
from access.ports import Frame
from devices.bus import InProcessBus
from devices.camera import CameraSimulator
from devices.modbus import ModbusConfig
from devices.relay_sim import ModbusRelayBoardSimulator

LFW = Path("/work/shared/data/faces/lfw_dev/people")
PERSON = "Alejandro_Toledo"
FPS = 10
EMPTY, PRESENT = 10, 15  # frames per cycle without / with the resident


class MarkedFrames:
    """Wraps the camera source: notes when the first frame of each visit (marked top-left pixel) arrived."""

    def __init__(self, inner: CameraFrames) -> None:
        self.inner = inner
        self.arrivals: list[float] = []
        self._present = False

    def read(self) -> Frame | None:
        frame = self.inner.read()
        if frame is not None:
            present = bool(frame.image[2, 2, 0] > 128)
            if present and not self._present:
                self.arrivals.append(frame.mono_s)
            self._present = present
        return frame


def frames(tmp: Path) -> tuple[list[np.ndarray], np.ndarray]:
    """One cycle of camera frames (BGR files written into tmp) and the visit frame (RGB)."""
    photo = load_rgb(sorted((LFW / PERSON).glob("*.jpg"))[-1])
    empty = compose(np.zeros((1, 1, 3), np.uint8), (640, 480), 1.0, 0, 0)
    empty[:6, :6] = 0
    visit = compose(photo, (640, 480), 1.6, 200, 60)
    visit[:6, :6] = 255
    cycle = [empty] * EMPTY + [visit] * PRESENT
    for i, image in enumerate(cycle):
        cv2.imwrite(str(tmp / f"{i:03d}.jpg"), image[:, :, ::-1], [cv2.IMWRITE_JPEG_QUALITY, 90])
    return cycle, visit


def answer() -> dict[str, object]:
    """A sync answer with the resident's other photos (enrolled at the edge like a console sync)."""
    shots = []
    for path in sorted((LFW / PERSON).glob("*.jpg"))[:-1][:3]:
        data = path.read_bytes()
        shots.append(
            {"sha256": hashlib.sha256(data).hexdigest(), "data_b64": base64.b64encode(data).decode()}
        )
    person = {
        "id": "p-1",
        "name": "住户",
        "residencies": [{"house_code": "C1-1", "start": "2020-01-01", "end": None}],
    }
    return {"full": True, "residents": [{**person, "photos": shots}], "doors": []}


def pct(values: list[float] | np.ndarray, q: float) -> float:
    return float(np.percentile(np.asarray(values), q))


def door_latency(visits: int, tmp: Path) -> list[float]:
    """Run the door against the simulators for `visits` cycles; latency (ms) of each visit."""
    relay = ModbusRelayBoardSimulator(4).start_tcp("127.0.0.1", 15021)
    cam = CameraSimulator(str(tmp / "cam"), fps=FPS).start()
    config = DoorProcessConfig(
        door_id="BENCH-DOOR",
        data_dir=tmp / "door",
        camera=cam.url,
        espeak=False,
        debounce_s=0.5,
        unlock_s=0.5,
        qr_passes=False,
        relay=RelayConfig(modbus=ModbusConfig(transport="tcp", host="127.0.0.1", port=15021)),
    )
    source = MarkedFrames(CameraFrames(cam.url).start())
    door = DoorProcess(config, transport=InProcessBus().connect(), source=source)
    door.store.apply(answer())
    door.refresh()
    worker = threading.Thread(target=door.run, daemon=True)
    worker.start()
    deadline = time.monotonic() + visits * (EMPTY + PRESENT) / FPS + 30
    while len(relay.recorder.pulses) < visits + 1 and time.monotonic() < deadline:
        time.sleep(0.1)
    door.close()
    cam.stop()
    relay.stop()
    ons = [t for t, ch, on in relay.recorder.switches if ch == 1 and on]
    latencies = []
    for arrived in source.arrivals[1:]:  # the first visit may have started before the reader connected
        after = [t for t in ons if t >= arrived]
        if after and after[0] - arrived < (PRESENT / FPS):
            latencies.append((after[0] - arrived) * 1000)
    print(f"visits seen {len(source.arrivals)}, lock pulses {len(ons)}, timed visits {len(latencies)}")
    return latencies


def baseline_ms(visit: np.ndarray, repeats: int = 15) -> tuple[list[float], list[float]]:
    """Per-frame ms: face_recognition default pipeline, and our analyse(), on the visit frame."""
    face_recognition = import_baseline()
    known = [
        face_recognition.face_encodings(load_rgb(p))[0] for p in sorted((LFW / PERSON).glob("*.jpg"))[:3]
    ]
    engine = create_engine(AccessConfig().engine)
    analyse(engine, visit)
    base, ours = [], []
    for _ in range(repeats):
        t = time.perf_counter()
        for enc in face_recognition.face_encodings(visit, face_recognition.face_locations(visit)):
            face_recognition.compare_faces(known, enc)
        base.append((time.perf_counter() - t) * 1000)
        t = time.perf_counter()
        analyse(engine, visit)
        ours.append((time.perf_counter() - t) * 1000)
    return base, ours


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--visits", type=int, default=15)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as name:
        tmp = Path(name)
        (tmp / "cam").mkdir()
        _, visit = frames(tmp / "cam")
        latencies = door_latency(args.visits, tmp)
        base, ours = baseline_ms(visit)
    print(f"{'640×480, one resident':<44}{'p50 ms':>9}{'p95 ms':>9}")
    print(
        f"{'door: frame in → lock relay on (Modbus TCP)':<44}{pct(latencies, 50):9.1f}{pct(latencies, 95):9.1f}"
    )
    print(f"{'ours: analyse() per frame, alone':<44}{pct(ours, 50):9.1f}{pct(ours, 95):9.1f}")
    print(f"{'face_recognition default per frame, alone':<44}{pct(base, 50):9.1f}{pct(base, 95):9.1f}")
    print(f"ratio face_recognition frame / door end-to-end (p50): {pct(base, 50) / pct(latencies, 50):.2f}×")


if __name__ == "__main__":
    main()
