"""dlib's face ResNet (dlib_face_recognition_resnet_model_v1.dat) converted to ONNX: same weights, onnxruntime speed.

dlib-bin is built without BLAS, so its convolutions take ≈65 ms per 150×150 chip; onnxruntime (MLAS) runs the
same network in a fraction of that. The .dat file is dlib's `serialize(anet_type)` stream (2026-11-22, format as
found in face_recognition_models 0.3.0):

- integers: a control byte (low nibble = byte count, bit 7 = negative) then little-endian bytes;
  floats (scalars): two such integers, mantissa and exponent (value = m · 2^e); strings: length + bytes;
  bools: the chars '0'/'1'.
- tensor: int version (2), num_samples, k, nr, nc, then num_samples·k·nr·nc raw little-endian float32;
  alias_tensor (a view into a layer's params): int version (1), num_samples, k, nr, nc.
- the loss layer first, then every layer from the input up, each as its name string and its details
  (followed by dlib's bookkeeping: three bool chars and three empty tensors). Tag/skip layers carry no name.
  `input_rgb_image_sized`: mean R, G, B (floats), NR, NC — pixels enter as (p − mean)/256.
  `con_4`: params [filters (F,C,kh,kw) then F biases], F, kh, kw, stride y/x, padding y/x, filter and bias
  aliases. `affine_`: params [gamma C, beta C], aliases, mode (conv: per channel). `max_pool_2`/`avg_pool_2`:
  kh, kw, stride y/x, padding y/x (kh = 0: whole image). `relu_`, `add_prev_`: no parameters.
  `fc_2`: outputs, inputs, params (inputs, outputs) row-major (fc_no_bias: no bias row), y = x · W.

The network (dlib's dnn_face_recognition_ex.cpp): conv 7×7/2 → affine → relu → max pool 3×3/2, then residual
units [con 3×3/s → affine → relu → con 3×3 → affine, (avg pool 2×2/2 of the unit input when s = 2), add_prev,
relu], global average pool, fc 256→128. dlib's add_prev adds tensors of different shapes by zero-padding both
to the larger one at the end of each axis (channels 32→64, and 3×3 + 4×4 → 4×4 at the last levels); the graph
does the same with Pad. Affine layers are folded into the preceding convolution.
"""

from __future__ import annotations

import hashlib
import logging
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from access.engine.onnx_writer import Graph, value_info

log = logging.getLogger(__name__)
CONVERTER_VERSION = 1
LAYER_NAMES = (
    b"input_rgb_image_sized",
    b"con_",
    b"affine_",
    b"relu_",
    b"max_pool_",
    b"avg_pool_",
    b"add_prev_",
    b"fc_",
)


class DlibFormatError(ValueError):
    """The model file is not the dlib network this converter understands."""


class Reader:
    """Sequential reader of dlib's serialisation primitives."""

    def __init__(self, data: bytes, pos: int = 0) -> None:
        self.data, self.pos = data, pos

    def read_int(self) -> int:
        control = self.data[self.pos]
        size, negative = control & 0x0F, control & 0x80
        if size > 8:
            raise DlibFormatError(f"bad integer at byte {self.pos}")
        value = int.from_bytes(self.data[self.pos + 1 : self.pos + 1 + size], "little")
        self.pos += 1 + size
        return -value if negative else value

    def read_float(self) -> float:
        mantissa, exponent = self.read_int(), self.read_int()
        return float(mantissa) * 2.0**exponent

    def read_string(self) -> str:
        n = self.read_int()
        text = self.data[self.pos : self.pos + n].decode("ascii")
        self.pos += n
        return text

    def read_tensor(self) -> np.ndarray:
        if (version := self.read_int()) != 2:
            raise DlibFormatError(f"tensor version {version} at byte {self.pos}")
        shape = tuple(self.read_int() for _ in range(4))
        count = int(np.prod(shape))
        values = np.frombuffer(self.data, "<f4", count, self.pos).astype(np.float32)
        self.pos += 4 * count
        return values.reshape(shape)

    def read_alias(self) -> tuple[int, int, int, int]:
        if (version := self.read_int()) != 1:
            raise DlibFormatError(f"alias_tensor version {version} at byte {self.pos}")
        n, k, nr, nc = (self.read_int() for _ in range(4))
        return n, k, nr, nc


@dataclass
class Layer:
    """One named layer of the stream and the parameters the graph needs."""

    kind: str
    params: dict[str, Any] = field(default_factory=dict)


def _layer(reader: Reader, name: str) -> Layer:
    """Parse one layer's details (reader positioned just after its name)."""
    kind = name.rstrip("0123456789")
    if kind == "input_rgb_image_sized":
        mean = [reader.read_float() for _ in range(3)]
        return Layer(kind, {"mean": mean, "size": (reader.read_int(), reader.read_int())})
    if kind == "con_":
        params = reader.read_tensor().ravel()
        filters, kh, kw, sy, sx, py, px = (reader.read_int() for _ in range(7))
        f, c, fh, fw = reader.read_alias()
        reader.read_alias()
        if (f, fh, fw) != (filters, kh, kw):
            raise DlibFormatError("convolution filter shape does not match its header")
        w = params[: f * c * kh * kw].reshape(f, c, kh, kw)
        b = params[f * c * kh * kw : f * c * kh * kw + f]
        return Layer(kind, {"w": w, "b": b, "stride": (sy, sx), "pad": (py, px)})
    if kind == "affine_":
        params = reader.read_tensor().ravel()
        _, c, _, _ = reader.read_alias()
        reader.read_alias()
        return Layer(kind, {"gamma": params[:c], "beta": params[c : 2 * c]})
    if kind in ("max_pool_", "avg_pool_"):
        kh, kw, sy, sx, py, px = (reader.read_int() for _ in range(6))
        return Layer(kind, {"kernel": (kh, kw), "stride": (sy, sx), "pad": (py, px)})
    if kind == "fc_":
        reader.read_int(), reader.read_int()  # num_outputs, num_inputs (the weights alias repeats them)
        params = reader.read_tensor()
        n_in, n_out = reader.read_alias()[:2]
        return Layer(kind, {"w": params.reshape(-1)[: n_in * n_out].reshape(n_in, n_out)})
    return Layer(kind)  # relu_, add_prev_


def parse(data: bytes) -> list[Layer]:
    """The named layers of a dlib network file, input first."""
    hits: list[tuple[int, bytes]] = []
    for name in LAYER_NAMES:
        start = 0
        while (at := data.find(name, start)) != -1:
            start = at + 1
            if _is_name(data, at, name):
                hits.append((at - 2, name))
    layers = []
    for at, _ in sorted(hits):
        reader = Reader(data, at)
        layers.append(_layer(reader, reader.read_string()))
    if not layers or layers[0].kind != "input_rgb_image_sized" or layers[-1].kind != "fc_":
        raise DlibFormatError("not a dlib face descriptor network (input … fc expected)")
    return layers


def _is_name(data: bytes, at: int, name: bytes) -> bool:
    """True if a serialised string (1-byte length) starting with `name` plus version digits sits at `at`."""
    if at < 2 or data[at - 2] != 0x01 or data[at - 1] < len(name):
        return False
    return data[at + len(name) : at + data[at - 1]].isdigit() or data[at - 1] == len(name)


class _Builder:
    """Walks the layer list and emits ONNX nodes, tracking static (C, H, W) shapes."""

    def __init__(self, layers: list[Layer]) -> None:
        self.g = Graph("dlib_face_resnet")
        self.shape: dict[str, tuple[int, int, int]] = {}
        self.layers = layers

    def build(self) -> bytes:
        first = self.layers[0].params
        h, w = first["size"]
        x = self.g.node("Transpose", ["chips"], perm=[0, 3, 1, 2])  # N,H,W,RGB → N,RGB,H,W
        mean = np.array(first["mean"], np.float32).reshape(1, 3, 1, 1)
        x = self.g.node("Sub", [x, self.g.const("mean", mean)])
        x = self.g.node("Mul", [x, self.g.const("scale", np.array(1 / 256, np.float32))])
        self.shape[x] = (3, h, w)
        x = self._body(x)
        inputs = [value_info("chips", ["N", h, w, 3])]
        return self.g.model(inputs, [value_info(x, ["N", self.shape[x][0]])], "sc-access dlib converter")

    def _body(self, x: str) -> str:
        unit_in, shortcut, unit_start, prev = x, None, True, ""
        for i, layer in enumerate(self.layers[1:], 1):
            p = layer.params
            if layer.kind == "con_":
                if unit_start:
                    unit_in, shortcut, unit_start = x, None, False
                nxt = self.layers[i + 1] if i + 1 < len(self.layers) else None
                fold = nxt.params if nxt is not None and nxt.kind == "affine_" else None
                x = self._conv(x, p, fold)
            elif layer.kind == "affine_":
                if prev != "con_":
                    x = self._affine(x, p)
            elif layer.kind == "relu_":
                x = self._same(x, self.g.node("Relu", [x]))
                unit_start = unit_start or prev == "add_prev_"
            elif layer.kind == "max_pool_":
                x = self._pool("MaxPool", x, p)
                unit_start = True
            elif layer.kind == "avg_pool_" and p["kernel"] == (0, 0):
                pooled = self.g.node("GlobalAveragePool", [x])
                self.shape[pooled] = (self.shape[x][0], 1, 1)
                x = pooled
            elif layer.kind == "avg_pool_":
                shortcut = self._pool("AveragePool", unit_in, p)
            elif layer.kind == "add_prev_":
                x = self._add(x, shortcut or unit_in)
            elif layer.kind == "fc_":
                flat = self.g.node("Flatten", [x], axis=1)
                x = self.g.node("MatMul", [flat, self.g.const(f"fc_w{i}", p["w"])], output="descriptor")
                self.shape[x] = (p["w"].shape[1], 1, 1)
            else:
                raise DlibFormatError(f"unexpected layer {layer.kind}")
            prev = layer.kind
        return x

    def _same(self, src: str, out: str) -> str:
        self.shape[out] = self.shape[src]
        return out

    def _conv(self, x: str, p: dict[str, Any], affine: dict[str, Any] | None) -> str:
        w, b = p["w"], p["b"]
        if affine is not None:  # y = γ·(W*x + b) + β
            gamma, beta = affine["gamma"], affine["beta"]
            w, b = w * gamma[:, None, None, None], b * gamma + beta
        n = len(self.g.initializers)
        (sy, sx), (py, px) = p["stride"], p["pad"]
        out = self.g.node(
            "Conv",
            [x, self.g.const(f"w{n}", w), self.g.const(f"b{n}", b)],
            kernel_shape=list(w.shape[2:]),
            strides=[sy, sx],
            pads=[py, px, py, px],
        )
        _, h, wd = self.shape[x]
        kh, kw = w.shape[2:]
        self.shape[out] = (w.shape[0], (h + 2 * py - kh) // sy + 1, (wd + 2 * px - kw) // sx + 1)
        return out

    def _affine(self, x: str, p: dict[str, Any]) -> str:
        n = len(self.g.initializers)
        gamma = self.g.const(f"gamma{n}", p["gamma"].reshape(1, -1, 1, 1))
        beta = self.g.const(f"beta{n}", p["beta"].reshape(1, -1, 1, 1))
        return self._same(x, self.g.node("Add", [self.g.node("Mul", [x, gamma]), beta]))

    def _pool(self, op: str, x: str, p: dict[str, Any]) -> str:
        (kh, kw), (sy, sx), (py, px) = p["kernel"], p["stride"], p["pad"]
        out = self.g.node(op, [x], kernel_shape=[kh, kw], strides=[sy, sx], pads=[py, px, py, px])
        c, h, w = self.shape[x]
        self.shape[out] = (c, (h + 2 * py - kh) // sy + 1, (w + 2 * px - kw) // sx + 1)
        return out

    def _add(self, a: str, b: str) -> str:
        """dlib add_prev: both zero-padded at the end of C, H, W to the larger shape, then added."""
        target = tuple(max(u, v) for u, v in zip(self.shape[a], self.shape[b], strict=True))
        padded = [self._pad_to(t, target) for t in (a, b)]
        out = self.g.node("Add", padded)
        self.shape[out] = target  # type: ignore[assignment]
        return out

    def _pad_to(self, x: str, target: tuple[int, ...]) -> str:
        missing = [t - s for t, s in zip(target, self.shape[x], strict=True)]
        if not any(missing):
            return x
        pads = np.array([0, 0, 0, 0, 0, *missing], np.int64)  # begin N,C,H,W; end N,C,H,W
        n = len(self.g.initializers)
        out = self.g.node("Pad", [x, self.g.const(f"pads{n}", pads)])
        self.shape[out] = target  # type: ignore[assignment]
        return out


def convert(dat_path: str | Path) -> bytes:
    """ONNX bytes of a dlib face descriptor network: input `chips` (N,150,150,3) float RGB, output (N,128)."""
    return _Builder(parse(Path(dat_path).read_bytes())).build()


def cached_onnx(dat_path: str | Path, cache_dir: str | Path) -> Path:
    """Convert once and keep the result next to other local models (keyed by the .dat's SHA-256)."""
    data = Path(dat_path).read_bytes()
    digest = hashlib.sha256(data).hexdigest()[:16]
    target = Path(cache_dir) / f"dlib_face_resnet_{digest}_v{CONVERTER_VERSION}.onnx"
    if not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_bytes(_Builder(parse(data)).build())
        os.replace(tmp, target)
    return target


def default_cache() -> Path:
    """$SC_MODEL_CACHE, else ~/.cache/smart-safe-community/models."""
    env = os.environ.get("SC_MODEL_CACHE")
    return Path(env) if env else Path.home() / ".cache" / "smart-safe-community" / "models"


class OnnxDescriptor:
    """The dlib face descriptor network in onnxruntime: 150×150 RGB chips → raw (unnormalised) 128-d vectors."""

    def __init__(self, dat_path: str | Path, cache_dir: str | Path | None = None, threads: int = 1) -> None:
        import onnxruntime as ort

        try:
            model: str | bytes = str(cached_onnx(dat_path, cache_dir or default_cache()))
        except OSError as exc:  # read-only cache: convert in memory (≈0.4 s)
            log.warning("ONNX model cache not writable (%s); converting in memory", exc)
            model = convert(dat_path)
        options = ort.SessionOptions()
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")  # no busy-wait on a busy box
        self.session = ort.InferenceSession(model, options, providers=["CPUExecutionProvider"])

    def __call__(self, chips: list[np.ndarray]) -> np.ndarray:
        """Descriptors of a batch of uint8 chips (N×150×150×3 RGB), as dlib computes them."""
        batch = np.stack(chips).astype(np.float32)
        out: np.ndarray = self.session.run(None, {"chips": batch})[0]
        return out
