"""Configuration of the face door: engine backend, gate pipeline tuning, and the open-set threshold."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

# Measured on shared/data/faces/lfw_dev with bench/eval_faces.py (2026-11-21, dlib ResNet, 68-point alignment,
# no flip, mean template, margin 0.5, runner-up floor 0.90): the threshold at FPIR 1% is 0.4827 with one photo
# enrolled (400 singles as strangers; 0.4822 with 1,883 leave-one-out strangers) and 0.4860 with three
# (0.4838 singles / 0.4860 leave-one-out); the difference is the multi-template offset.
# A door sees about three frames per visit and opens on the first accepted one: at THRESHOLD a stranger's visit
# of ≤3 LFW photos is accepted 2.0% (enrol 1) / 2.5% (enrol 3) of the time; VISIT_THRESHOLD is the highest of
# the two visit-FPIR-1% thresholds (0.4855 / 0.4867, rounded up), where visits pass 91.2% / 92.2%.
THRESHOLD = 0.4828
VISIT_THRESHOLD = 0.4868
MULTI_TEMPLATE_OFFSET = 0.0033
THRESHOLD_PROVENANCE = (
    "lfw_dev open-set at FPIR 1%: enrol-1 TPIR 80.2% (FPIR 1.00%), enrol-3 TPIR 91.8% (FPIR 0.75%) with the "
    "0.0033 multi-template offset; visits of ≤3 frames at 0.4868: TPIR 91.2%/92.2%, FPIR ≤1%; "
    "bench/eval_faces.py, 2026-11-21"
)


class EngineConfig(BaseModel):
    """Which recognition backend runs and how the gate pipeline is tuned."""

    model_config = ConfigDict(extra="forbid")

    backend: Literal["dlib", "insightface"] = Field(
        default="dlib", description="dlib ResNet (default) or ArcFace ONNX"
    )
    min_face_px: int = Field(
        default=90, ge=20, le=2000, description="Smallest face (frame px) to find; sets the detector scale"
    )
    max_detect_side: int = Field(default=960, ge=160, description="Cap on the detector image's longer side")
    retry_upsampled: bool = Field(
        default=True, description="Photos only: if no face is found, retry at 2× scale"
    )
    landmarks: Literal[5, 68] = Field(default=68, description="dlib shape predictor used for alignment")
    flip: bool = Field(
        default=False, description="Average the embedding of the aligned face and its mirror image"
    )
    enrol_jitters: int = Field(
        default=0, ge=0, le=100, description="Extra jittered crops averaged into enrolment"
    )
    model_pack: Path | None = Field(
        default=None, description="InsightFace model pack folder (operator-installed)"
    )
    onnx_threads: int = Field(
        default=1,
        ge=1,
        le=64,
        description="onnxruntime intra-op threads (1: on a shared 2-core box 2 threads were slower, "
        "docs/face-recognition.md)",
    )
    embedder: Literal["onnx", "dlib"] = Field(
        default="onnx",
        description="dlib backend: run the ResNet descriptor in onnxruntime (converted locally, same weights) "
        "or in dlib itself",
    )
    model_cache: Path | None = Field(
        default=None,
        description="Where the converted ONNX model is kept (default $SC_MODEL_CACHE or "
        "~/.cache/smart-safe-community/models)",
    )


class GalleryConfig(BaseModel):
    """How templates are combined and where the open-set threshold sits (see docs/face-recognition.md)."""

    model_config = ConfigDict(extra="forbid")

    combine: Literal["max", "mean"] = Field(default="mean", description="Score against a person's templates")
    margin: float = Field(default=0.5, ge=0.0, le=1.0, description="Weight of the runner-up person's score")
    runner_up_floor: float = Field(default=0.90, ge=-1.0, le=1.0, description="Runner-up score never below")
    multi_template_offset: float = Field(
        default=MULTI_TEMPLATE_OFFSET, ge=0.0, le=0.5, description="Subtracted for persons with ≥2 templates"
    )
    threshold: float = Field(default=THRESHOLD, ge=-1.0, le=1.0, description="Accept when score >= this")
    visit_threshold: float = Field(
        default=VISIT_THRESHOLD, ge=-1.0, le=1.0, description="Door threshold: first accepted frame opens"
    )
    threshold_provenance: str = Field(
        default=THRESHOLD_PROVENANCE, description="Where the threshold came from"
    )

    @property
    def verify_threshold(self) -> float:
        """The 1:1 cosine threshold equivalent to `threshold` (a probe with no close runner-up)."""
        return self.threshold + self.margin * self.runner_up_floor


class QualityConfig(BaseModel):
    """Enrolment photo quality limits."""

    model_config = ConfigDict(extra="forbid")

    min_face_px: int = Field(default=80, ge=20, description="Minimum face box side in the photo")
    min_sharpness: float = Field(
        default=15.0, ge=0.0, description="Minimum variance of the Laplacian on the face"
    )
    max_yaw: float = Field(default=0.35, gt=0.0, description="Max |yaw| ratio from landmarks (0 = frontal)")
    max_roll_deg: float = Field(default=25.0, gt=0.0, description="Max in-plane rotation of the eye line")


class AccessConfig(BaseModel):
    """All face-door settings, loadable from a JSON file."""

    model_config = ConfigDict(extra="forbid")

    engine: EngineConfig = Field(default_factory=EngineConfig)
    gallery: GalleryConfig = Field(default_factory=GalleryConfig)
    quality: QualityConfig = Field(default_factory=QualityConfig)

    @classmethod
    def load(cls, path: str | Path | None) -> AccessConfig:
        """Read a JSON config file; no path means the shipped defaults."""
        if path is None:
            return cls()
        return cls.model_validate(json.loads(Path(path).read_text(encoding="utf-8")))
