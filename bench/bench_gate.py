"""Gate latency: frame → plate read → vote → decision → relay (Modbus TCP relay board simulator).

Run: python bench/bench_gate.py [--vehicles N]
Each vehicle is a real 720p frame (the two real scenes, plus scenes composed from real crops) seen twice (the
second frame slightly shifted and brightened, as a car moves); the tracker decides when two frames agree.
Baseline, same run: the reader alone on the deciding frame. Reported: medians and p95 in ms.
"""

from __future__ import annotations

import argparse
import logging
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

import cv2
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench_plates import PLATES, backgrounds, imread, p95

from devices.bus import InProcessBus
from devices.modbus import ModbusAdapter, ModbusConfig
from devices.relay import ModbusCoilDriver
from devices.relay_sim import ModbusRelayBoardSimulator
from plate_gate.compose import compose
from plate_gate.config import GateConfig
from plate_gate.loop_sensor import MemoryLoopSensor
from plate_gate.reader import PlateReader
from plate_gate.runtime import build_gate
from plate_gate.tracker import VehicleTracker

PORT = 15021


def moved(frame: np.ndarray) -> np.ndarray:
    """The next frame of a slowly moving car: 6 px down-left, a little brighter."""
    shift = np.float32([[1, 0, -6], [0, 1, 6]])
    out = cv2.warpAffine(frame, shift, (frame.shape[1], frame.shape[0]), borderMode=cv2.BORDER_REPLICATE)
    return cv2.convertScaleAbs(out, alpha=1.05, beta=4)


def line(name: str, values: list[float], base: float | None = None) -> str:
    """One row: median, p95 and the ratio of medians to the baseline."""
    med = statistics.median(values)
    ratio = f"  x{med / base:5.2f} of baseline" if base else ""
    return f"{name:<34} p50 {med:7.2f} ms   p95 {p95(values):7.2f} ms   n={len(values)}{ratio}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--vehicles", type=int, default=60, help="composed vehicles (plus the real scenes)")
    args = parser.parse_args()
    logging.disable(logging.INFO)
    rng = random.Random(7)
    scenes = [(imread(p), p.stem) for p in sorted((PLATES / "scenes").glob("*.jpg"))]
    crops = sorted((PLATES / "crops").glob("*.jpg"))
    scenes += [(s.image, s.text) for s in compose(crops, backgrounds(rng), args.vehicles, seed=23)]

    board = ModbusRelayBoardSimulator(channels=4).start_tcp("127.0.0.1", PORT)
    driver = ModbusCoilDriver(ModbusAdapter(ModbusConfig(transport="tcp", host="127.0.0.1", port=PORT)))
    with tempfile.TemporaryDirectory() as tmp:
        cfg = GateConfig.model_validate(
            {"community": "BENCH", "gate": "GATE-B-0001", "car_park": "P1", "capacity": 100_000,
             "data_dir": tmp, "rules": {"duplicate_window_s": 0}}
        )  # fmt: skip
        rt = build_gate(cfg, transport=InProcessBus().connect(), driver=driver, loop=MemoryLoopSensor())
        rt.barrier.stop()
        reader = PlateReader()
        reader.read(scenes[0][0])  # warm the ONNX sessions
        read_ms, frame_relay, decision_relay, vehicle_ms = [], [], [], []
        right = decided = 0
        for image, text in scenes:
            tracker = VehicleTracker()
            started = time.monotonic()
            for frame in (image, moved(image), moved(moved(image))):
                t0 = time.monotonic()
                reads = reader.read(frame)
                t_read = time.monotonic()
                vehicle = tracker.feed(frame, reads)
                if vehicle is None:
                    continue
                outcome = rt.process.handle(vehicle)
                decided += 1
                read_ms.append((t_read - t0) * 1000)
                if outcome.opened and outcome.relay_ms is not None:
                    t1 = board.recorder.switches[-1][0]  # when the board saw the relay switch (same clock)
                    frame_relay.append((t1 - t0) * 1000)
                    vehicle_ms.append((t1 - started) * 1000)
                    decision_relay.append(outcome.relay_ms)
                else:
                    print(f"  {vehicle.plate}: {outcome.decision.action.value} ({outcome.decision.reason})")
                right += vehicle.plate == text
                break
            rt.barrier.open_relay.hold(False)
        rt.stop()
    board.stop()
    print(
        f"gate latency on {len(scenes)} vehicles (720p, 2 real scenes + {args.vehicles} composed from real crops)"
    )
    print(
        f"decided {decided}/{len(scenes)}, plate right {right}/{decided}; relay: Modbus TCP relay board simulator"
    )
    base = statistics.median(read_ms)
    print(line("baseline: reader on deciding frame", read_ms))
    print(line("deciding frame → relay written", frame_relay, base))
    print(line("decision → relay written", decision_relay))
    print(line("first frame → relay (2 frames agree)", vehicle_ms, base))
    print(f"relay pulses seen by the board: {len(board.recorder.pulses)}")


if __name__ == "__main__":
    main()
