"""Recogniser training views made by composing real crops into scenes and reading them with the reader's
own detectors: every view is a plate the label belongs to."""

from __future__ import annotations

from pathlib import Path

from plate_gate.reader import PlateRecognizer
from plate_gate.reader.plate_rec import INPUT_H, INPUT_W
from plate_gate.training.scene_views import scene_views

DATA = Path(__file__).parent / "data"
PEOPLE = Path(__file__).parents[1] / "access" / "data" / "people"


def test_scene_views_are_detected_plates_with_their_labels() -> None:
    crops = [DATA / "川X90621.jpg", DATA / "津B6H920.jpg", DATA / "浙A6MX97.jpg"]
    photos = sorted(PEOPLE.rglob("*.jpg"))
    views = scene_views(crops, photos, per_crop=3, seed=4, workers=1)
    assert 5 <= len(views) <= 9  # a scene whose plate no detector finds gives no view
    assert views.images.shape[1:] == (INPUT_H, INPUT_W, 3)
    assert set(views.texts) <= {p.stem for p in crops}
    reads = PlateRecognizer().recognize(list(views.images))
    right = sum(r.text == t for r, t in zip(reads, views.texts, strict=True))
    assert right >= 0.6 * len(views)  # the view shows the labelled plate, not a face or a neighbour


def test_two_workers_give_the_same_kind_of_views() -> None:
    crops = [DATA / "冀D5L690.jpg", DATA / "沪AMS087.jpg"]
    views = scene_views(crops, sorted(PEOPLE.rglob("*.jpg")), per_crop=2, seed=5, workers=2)
    assert set(views.texts) <= {"冀D5L690", "沪AMS087"} and len(views) >= 2
