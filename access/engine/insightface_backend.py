"""Optional backend: InsightFace model pack (SCRFD detector + ArcFace recogniser) run with onnxruntime."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np

from access.config import EngineConfig
from access.engine.base import Box, l2_normalise

ARCFACE_TEMPLATE = np.array(
    [[38.2946, 51.6963], [73.5318, 51.5014], [56.0252, 71.7366], [41.5493, 92.3655], [70.7299, 92.2041]],
    dtype=np.float32,
)
DET_SIZE = 640
STRIDES = (8, 16, 32)


class ModelPackError(RuntimeError):
    """The configured InsightFace model pack is missing or incomplete (a configuration error, no retry)."""


def find_pack_models(pack: Path | None) -> tuple[Path, Path]:
    """Locate the SCRFD detector (det_*.onnx) and the ArcFace model (w600k_*/glintr100/…) in a pack folder."""
    if pack is None:
        raise ModelPackError("未配置 InsightFace 模型包路径 (engine.model_pack is not set)")
    if not pack.is_dir():
        raise ModelPackError(f"InsightFace 模型包不存在：{pack} (model pack folder not found)")
    dets = sorted(pack.glob("det_*.onnx"))
    recs = sorted(p for p in pack.glob("*.onnx") if p.name.startswith(("w600k", "glint", "arcface")))
    if not dets or not recs:
        raise ModelPackError(f"模型包不完整：{pack} 需要 det_*.onnx 与 w600k_*.onnx (incomplete model pack)")
    return dets[0], recs[0]


def arcface_matrix(points: np.ndarray) -> np.ndarray:
    """Similarity transform of 5 landmarks (eyes, nose, mouth corners) onto the 112×112 ArcFace template."""
    matrix, _ = cv2.estimateAffinePartial2D(points.astype(np.float32), ARCFACE_TEMPLATE, method=cv2.LMEDS)
    if matrix is None:
        raise ValueError("landmarks are degenerate")
    return matrix


class InsightFaceEngine:
    """SCRFD + ArcFace; the operator installs the pack (e.g. buffalo_l) and points engine.model_pack at it."""

    name = "insightface"
    dim = 512

    def __init__(self, config: EngineConfig) -> None:
        import onnxruntime as ort

        det_path, rec_path = find_pack_models(config.model_pack)
        options = ort.SessionOptions()
        options.intra_op_num_threads = config.onnx_threads
        providers = ["CPUExecutionProvider"]
        self.config = config
        self._det = ort.InferenceSession(str(det_path), options, providers=providers)
        self._rec = ort.InferenceSession(str(rec_path), options, providers=providers)
        self._kps: dict[Box, np.ndarray] = {}

    def detect(self, image: np.ndarray, thorough: bool = False) -> list[Box]:
        """SCRFD at 640×640 (letterboxed), score ≥ 0.5, NMS 0.4; 5 keypoints kept per box."""
        h, w = image.shape[:2]
        scale = DET_SIZE / max(h, w)
        resized = cv2.resize(image, (round(w * scale), round(h * scale)))
        canvas = np.zeros((DET_SIZE, DET_SIZE, 3), np.float32)
        canvas[: resized.shape[0], : resized.shape[1]] = resized
        blob = ((canvas - 127.5) / 128.0).transpose(2, 0, 1)[None]
        outputs = [
            o.reshape(-1, o.shape[-1]) for o in self._det.run(None, {self._det.get_inputs()[0].name: blob})
        ]
        boxes, scores, kpss = [], [], []
        for i, stride in enumerate(STRIDES):
            n = DET_SIZE // stride
            grid = np.stack(list(np.mgrid[:n, :n][::-1]), axis=-1).reshape(-1, 2)
            centres = grid.astype(np.float32) * stride
            anchors = len(outputs[i]) // len(centres)
            centres = np.repeat(centres, anchors, axis=0)
            score, dist, kps = outputs[i][:, 0], outputs[i + 3] * stride, outputs[i + 6] * stride
            keep = score >= 0.5
            c = centres[keep]
            boxes.append(np.hstack([c - dist[keep, :2], c + dist[keep, 2:]]))
            scores.append(score[keep])
            kpss.append((np.tile(c, 5) + kps[keep]).reshape(-1, 5, 2))
        all_boxes, all_scores, all_kps = (
            np.vstack(boxes) / scale,
            np.concatenate(scores),
            np.vstack(kpss) / scale,
        )
        xywh = [[float(b[0]), float(b[1]), float(b[2] - b[0]), float(b[3] - b[1])] for b in all_boxes]
        picked = cv2.dnn.NMSBoxes(xywh, all_scores.tolist(), 0.5, 0.4) if xywh else []
        self._kps = {}
        result = []
        for j in np.asarray(picked).reshape(-1):
            x1, y1, x2, y2 = all_boxes[j]
            box = Box(
                max(0, int(x1)), max(0, int(y1)), min(w, int(x2)), min(h, int(y2)), float(all_scores[j])
            )
            self._kps[box] = all_kps[j].astype(np.float32)
            result.append(box)
        return sorted(result, key=lambda b: b.area, reverse=True)

    def landmarks(self, image: np.ndarray, box: Box) -> np.ndarray:
        """The 5 SCRFD keypoints found with this box (detect must have run on the same image)."""
        if box not in self._kps:
            raise KeyError("landmarks for a box that detect() did not return on this image")
        return self._kps[box]

    def embed(self, image: np.ndarray, landmarks: np.ndarray, jitters: int = 0) -> np.ndarray:
        """ArcFace 512-d unit embedding of the 112×112 aligned crop (plus its mirror when flip is on)."""
        crop = cv2.warpAffine(image, arcface_matrix(landmarks), (112, 112), borderValue=0.0)
        crops: list[np.ndarray] = [crop, crop[:, ::-1]] if self.config.flip else [crop]
        blob = ((np.asarray(crops, dtype=np.float32) - 127.5) / 127.5).transpose(0, 3, 1, 2)
        vectors = self._rec.run(None, {self._rec.get_inputs()[0].name: np.ascontiguousarray(blob)})[0]
        return l2_normalise(np.mean(l2_normalise(vectors), axis=0))

    def eyes_nose(self, landmarks: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """InsightFace order: left eye, right eye, nose, mouth left, mouth right."""
        return landmarks[0], landmarks[1], landmarks[2]
