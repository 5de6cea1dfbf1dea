"""A minimal ONNX model writer (protobuf wire format by hand): enough for a static CNN, no `onnx` package needed.

Field numbers are those of onnx/onnx.proto (ModelProto, GraphProto, NodeProto, AttributeProto, TensorProto,
ValueInfoProto, TypeProto). Only what the dlib ResNet conversion uses is implemented: float32 initializers,
int/float/ints attributes, fixed input/output shapes. The tests load the result with `onnx.checker` when the
`onnx` package is installed (train extra), and onnxruntime runs it.
"""

from __future__ import annotations

import struct
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

FLOAT, INT64 = 1, 7  # TensorProto.DataType
ATTR_FLOAT, ATTR_INT, ATTR_INTS = 1, 2, 7  # AttributeProto.AttributeType
IR_VERSION, OPSET = 8, 17


def _varint(value: int) -> bytes:
    if value < 0:
        value += 1 << 64  # int64 fields: two's complement, 10 bytes
    out = bytearray()
    while True:
        byte, value = value & 0x7F, value >> 7
        out.append(byte | (0x80 if value else 0))
        if not value:
            return bytes(out)


def _key(number: int, wire: int) -> bytes:
    return _varint(number << 3 | wire)


def _int(number: int, value: int) -> bytes:
    return _key(number, 0) + _varint(value)


def _bytes(number: int, value: bytes | str) -> bytes:
    data = value.encode() if isinstance(value, str) else value
    return _key(number, 2) + _varint(len(data)) + data


def _float(number: int, value: float) -> bytes:
    return _key(number, 5) + struct.pack("<f", value)


def tensor(name: str, array: np.ndarray) -> bytes:
    """TensorProto: dims, data_type, name, raw_data (little-endian)."""
    if array.dtype == np.int64:
        kind, data = INT64, array.astype("<i8").tobytes()
    else:
        kind, data = FLOAT, np.ascontiguousarray(array, dtype="<f4").tobytes()
    dims = b"".join(_int(1, d) for d in array.shape)
    return dims + _int(2, kind) + _bytes(8, name) + _bytes(9, data)


def attribute(name: str, value: int | float | Sequence[int]) -> bytes:
    """AttributeProto for an int, a float or a list of ints."""
    if isinstance(value, bool | int):
        return _bytes(1, name) + _int(3, int(value)) + _int(20, ATTR_INT)
    if isinstance(value, float):
        return _bytes(1, name) + _float(2, value) + _int(20, ATTR_FLOAT)
    return _bytes(1, name) + b"".join(_int(8, int(v)) for v in value) + _int(20, ATTR_INTS)


def value_info(name: str, shape: Sequence[int | str]) -> bytes:
    """ValueInfoProto of a float tensor; a str dimension is symbolic (e.g. the batch)."""
    dims = b"".join(
        _bytes(1, _bytes(2, d) if isinstance(d, str) else _int(1, d)) for d in shape
    )  # TensorShapeProto.dim → Dimension(dim_value=1 | dim_param=2)
    tensor_type = _int(1, FLOAT) + _bytes(2, dims)
    return _bytes(1, name) + _bytes(2, _bytes(1, tensor_type))


@dataclass
class Graph:
    """Collects nodes and initializers; `model()` serialises a ModelProto."""

    name: str
    nodes: list[bytes] = field(default_factory=list)
    initializers: list[bytes] = field(default_factory=list)
    _count: int = 0

    def const(self, name: str, array: np.ndarray) -> str:
        """Add an initializer; returns its name."""
        self.initializers.append(tensor(name, array))
        return name

    def node(
        self, op: str, inputs: Sequence[str], output: str | None = None, **attrs: int | float | Sequence[int]
    ) -> str:
        """Add one node with a single output (a fresh name unless given); returns the output's name."""
        self._count += 1
        out = output or f"{op.lower()}_{self._count}"
        body = b"".join(_bytes(1, i) for i in inputs) + _bytes(2, out) + _bytes(3, out) + _bytes(4, op)
        body += b"".join(_bytes(5, attribute(k, v)) for k, v in attrs.items())
        self.nodes.append(body)
        return out

    def model(self, inputs: Sequence[bytes], outputs: Sequence[bytes], producer: str) -> bytes:
        """ModelProto bytes (IR 8, default opset 17)."""
        graph = b"".join(_bytes(1, n) for n in self.nodes) + _bytes(2, self.name)
        graph += b"".join(_bytes(5, t) for t in self.initializers)
        graph += b"".join(_bytes(11, i) for i in inputs) + b"".join(_bytes(12, o) for o in outputs)
        opset = _bytes(1, "") + _int(2, OPSET)
        return _int(1, IR_VERSION) + _bytes(2, producer) + _bytes(7, graph) + _bytes(8, opset)
