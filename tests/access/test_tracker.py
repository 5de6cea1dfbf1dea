"""Tracking: one embedding per person standing still, a new one when the face changes or the track breaks."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from access.engine import Box, FaceEngine
from access.images import load_rgb
from access.tracker import FaceTracker, iou


def shifted(image: np.ndarray, dx: int) -> np.ndarray:
    canvas = np.zeros((image.shape[0], image.shape[1] + 20, 3), np.uint8)
    canvas[:, dx : dx + image.shape[1]] = image
    return canvas


def test_iou() -> None:
    assert iou(Box(0, 0, 10, 10), Box(0, 0, 10, 10)) == 1.0
    assert iou(Box(0, 0, 10, 10), Box(5, 0, 15, 10)) == 50 / 150
    assert iou(Box(0, 0, 10, 10), Box(20, 20, 30, 30)) == 0.0


def test_embeds_once_per_track_and_refreshes(engine: FaceEngine, data_dir: Path) -> None:
    gore = load_rgb(data_dir / "people/Al_Gore/Al_Gore_0001.jpg")
    vega = load_rgb(data_dir / "people/Amelia_Vega/Amelia_Vega_0001.jpg")
    tracker = FaceTracker(engine, reembed_s=1.0)
    first = tracker.analyse(shifted(gore, 0), 0.0)
    for i, t in enumerate((0.1, 0.2, 0.3)):
        faces = tracker.analyse(shifted(gore, 2 + 2 * i), t)
        assert np.array_equal(faces[0].embedding, first[0].embedding)
    assert tracker.embeds == 1
    refreshed = tracker.analyse(shifted(gore, 4), 1.2)  # older than reembed_s: computed again
    assert tracker.embeds == 2
    # someone else steps into the same spot without the track breaking: the old embedding is kept until
    # the refresh (the documented limit of tracking), then the new face is embedded
    stale = tracker.analyse(shifted(vega, 4), 1.3)
    assert tracker.embeds == 2 and np.array_equal(stale[0].embedding, refreshed[0].embedding)
    fresh = tracker.analyse(shifted(vega, 4), 2.3)
    assert tracker.embeds == 3 and float(fresh[0].embedding @ first[0].embedding) < 0.93
    tracker.analyse(np.zeros_like(shifted(gore, 0)), 2.4)  # nobody in the frame: the track ends
    tracker.analyse(shifted(vega, 4), 2.5)
    assert tracker.embeds == 4
