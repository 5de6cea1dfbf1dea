"""The plate-mask network: a small encoder with a top-down decoder, plate probability at 1/4 resolution."""

from __future__ import annotations

from pathlib import Path

import torch
from torch import nn
from torch.nn import functional as F


def _cbr(cin: int, cout: int, stride: int = 1) -> nn.Sequential:
    return nn.Sequential(
        nn.Conv2d(cin, cout, 3, stride, 1, bias=False), nn.BatchNorm2d(cout), nn.ReLU(inplace=True)
    )


class PlateSegNet(nn.Module):
    """Input N x 3 x H x W (BGR in [-1, 1], H and W multiples of 32); output plate logits N x 1 x H/4 x W/4."""

    WIDTHS = (24, 32, 64, 96)

    def __init__(self) -> None:
        super().__init__()
        c4, c8, c16, c32 = self.WIDTHS
        self.stem = nn.Sequential(_cbr(3, 16, 2), _cbr(16, c4, 2), _cbr(c4, c4))
        self.down8 = nn.Sequential(_cbr(c4, c8, 2), _cbr(c8, c8))
        self.down16 = nn.Sequential(_cbr(c8, c16, 2), _cbr(c16, c16))
        self.down32 = nn.Sequential(_cbr(c16, c32, 2), _cbr(c32, c32), _cbr(c32, c32))
        self.lateral = nn.ModuleList(nn.Conv2d(c, 32, 1) for c in self.WIDTHS)
        self.head = nn.Sequential(_cbr(32, 32), nn.Conv2d(32, 1, 1))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        f4 = self.stem(x)
        f8 = self.down8(f4)
        f16 = self.down16(f8)
        f32 = self.down32(f16)
        top = self.lateral[3](f32)
        for feat, lat in ((f16, self.lateral[2]), (f8, self.lateral[1]), (f4, self.lateral[0])):
            top = lat(feat) + F.interpolate(top, size=feat.shape[-2:], mode="nearest")
        logits: torch.Tensor = self.head(top)
        return logits


class _Probabilities(nn.Module):
    def __init__(self, net: PlateSegNet) -> None:
        super().__init__()
        self.net = net

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return torch.sigmoid(self.net(x))


def export_onnx(net: PlateSegNet, path: Path) -> None:
    """Write ONNX: input "image" N x 3 x H x W in [-1, 1] (H, W dynamic), output "probs" N x 1 x H/4 x W/4."""
    net.eval()
    path.parent.mkdir(parents=True, exist_ok=True)
    torch.onnx.export(
        _Probabilities(net),
        (torch.zeros(1, 3, 288, 512),),
        str(path),
        input_names=["image"],
        output_names=["probs"],
        dynamic_axes={
            "image": {0: "batch", 2: "height", 3: "width"},
            "probs": {0: "batch", 2: "h4", 3: "w4"},
        },
        opset_version=17,
        dynamo=False,
    )
