"""Evaluate an exported recogniser through the full reading pipeline on the held-out real crops."""

from __future__ import annotations

from pathlib import Path

from plate_gate.reader.pipeline import PlateReader
from plate_gate.reader.plate_rec import PlateRecognizer
from plate_gate.training.dataset import real_split


def evaluate(model: Path, crops: Path) -> dict[str, float]:
    """Exact whole-plate reads (and province / rest-of-plate reads) on the held-out split."""
    reader = PlateReader(PlateRecognizer(model))
    _, held_out = real_split(crops)
    exact = province = rest = 0
    for path in held_out:
        try:
            plates = reader.read_file(path)
        except Exception:  # a crash counts as a miss, like the benchmark
            plates = []
        text = plates[0].text if plates else ""
        exact += text == path.stem
        province += text[:1] == path.stem[:1]
        rest += text[1:] == path.stem[1:]
    n = max(1, len(held_out))
    return {"n": len(held_out), "exact": exact / n, "province": province / n, "rest": rest / n}
