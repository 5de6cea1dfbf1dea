"""Default backend: dlib HOG detector, 5/68-point shape predictor, ResNet face descriptor (128-d).

The descriptor network runs in onnxruntime by default (`embedder: onnx`, the same weights converted locally by
access/engine/dlib_onnx.py, ≈5× faster than dlib-bin, which has no BLAS); `embedder: dlib` keeps dlib's own.
"""

from __future__ import annotations

import cv2
import dlib
import numpy as np

from access.config import EngineConfig
from access.engine.base import Box, l2_normalise
from access.engine.dlib_onnx import OnnxDescriptor
from access.engine.models import model_path

HOG_WINDOW_PX = 80  # the frontal HOG detector's window: faces smaller than this are not found


class DlibEngine:
    """dlib pipeline; models come from the installed face_recognition_models package."""

    name = "dlib"
    dim = 128

    def __init__(self, config: EngineConfig) -> None:
        self.config = config
        self._detector = dlib.get_frontal_face_detector()
        self._predictor = dlib.shape_predictor(model_path(f"landmarks{config.landmarks}"))
        self._dlib_encoder: dlib.face_recognition_model_v1 | None = None
        self._onnx = (
            OnnxDescriptor(model_path("resnet"), config.model_cache, config.onnx_threads)
            if config.embedder == "onnx"
            else None
        )

    @property
    def _encoder(self) -> dlib.face_recognition_model_v1:
        """dlib's own ResNet (embedder "dlib", and jittered enrolment), loaded on first use."""
        if self._dlib_encoder is None:
            self._dlib_encoder = dlib.face_recognition_model_v1(model_path("resnet"))
        return self._dlib_encoder

    def detect_scale(self, image: np.ndarray) -> float:
        """Factor applied to the frame before HOG so that min_face_px maps onto the detector window."""
        scale = (HOG_WINDOW_PX + 5) / self.config.min_face_px
        longest = max(image.shape[:2])
        return min(scale, self.config.max_detect_side / longest)

    def detect(self, image: np.ndarray, thorough: bool = False) -> list[Box]:
        """HOG on a rescaled copy, boxes mapped back to the frame, largest first.

        thorough (enrolment and query photos, never camera frames: most of those are empty and the retry
        would quadruple their cost) retries once at twice the scale when nothing was found.
        """
        scale = self.detect_scale(image)
        boxes = self._detect_at(image, scale)
        if not boxes and thorough and self.config.retry_upsampled:
            boxes = self._detect_at(
                image, min(2 * scale, 2 * self.config.max_detect_side / max(image.shape[:2]))
            )
        return sorted(boxes, key=lambda b: b.area, reverse=True)

    def _detect_at(self, image: np.ndarray, scale: float) -> list[Box]:
        """Run the detector at one scale."""
        h, w = image.shape[:2]
        small = image
        if abs(scale - 1.0) > 1e-3:
            interp = cv2.INTER_AREA if scale < 1 else cv2.INTER_LINEAR
            small = cv2.resize(
                image, (max(1, round(w * scale)), max(1, round(h * scale))), interpolation=interp
            )
        rects, scores, _ = self._detector.run(small, 0, 0.0)
        boxes = []
        for rect, score in zip(rects, scores, strict=True):
            x1, y1 = max(0, round(rect.left() / scale)), max(0, round(rect.top() / scale))
            x2, y2 = min(w, round((rect.right() + 1) / scale)), min(h, round((rect.bottom() + 1) / scale))
            if x2 > x1 and y2 > y1:
                boxes.append(Box(x1, y1, x2, y2, float(score)))
        return boxes

    def landmarks(self, image: np.ndarray, box: Box) -> np.ndarray:
        """Shape-predictor points at full frame resolution."""
        rect = dlib.rectangle(box.x1, box.y1, box.x2 - 1, box.y2 - 1)
        shape = self._predictor(image, rect)
        return np.array([(p.x, p.y) for p in shape.parts()], dtype=np.float32)

    def chip(self, image: np.ndarray, landmarks: np.ndarray) -> np.ndarray:
        """The 150×150 aligned face chip the ResNet expects."""
        xs, ys = landmarks[:, 0], landmarks[:, 1]
        rect = dlib.rectangle(int(xs.min()), int(ys.min()), int(xs.max()), int(ys.max()))
        points = dlib.points([dlib.point(round(float(x)), round(float(y))) for x, y in landmarks])
        shape = dlib.full_object_detection(rect, points)
        return np.asarray(dlib.get_face_chip(image, shape, size=150, padding=0.25))

    def embed(self, image: np.ndarray, landmarks: np.ndarray, jitters: int = 0) -> np.ndarray:
        """Unit 128-d descriptor, averaged with the mirrored chip when flip is on."""
        face = self.chip(image, landmarks)
        chips = [face, np.ascontiguousarray(face[:, ::-1])] if self.config.flip else [face]
        if jitters > 0:  # dlib's random jitter (enrolment only; the ONNX path has no jitter)
            vectors = np.array([self._encoder.compute_face_descriptor(c, jitters) for c in chips])
        else:
            vectors = self.descriptors(chips)
        return l2_normalise(np.mean(vectors, axis=0))

    def descriptors(self, chips: list[np.ndarray]) -> np.ndarray:
        """Raw (unnormalised) descriptors of aligned 150×150 chips, one batch, with the configured embedder."""
        if self._onnx is not None:
            return self._onnx(chips)
        return np.array(self._encoder.compute_face_descriptor(chips), dtype=np.float32)

    def eyes_nose(self, landmarks: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Eye centres and nose point from the 5- or 68-point layout."""
        if len(landmarks) == 68:
            a, b, nose = landmarks[36:42].mean(0), landmarks[42:48].mean(0), landmarks[30]
        else:  # dlib 5-point: two corners of one eye, two of the other, bottom of the nose
            a, b, nose = landmarks[0:2].mean(0), landmarks[2:4].mean(0), landmarks[4]
        return (a, b, nose) if a[0] <= b[0] else (b, a, nose)
