"""The recogniser network: a small all-convolutional CTC model (LPRNet-like) and its ONNX export."""

from __future__ import annotations

from pathlib import Path

import onnx  # torch.onnx.export needs it (fail early when the train extra is missing); weight import
import onnx.numpy_helper
import torch
from torch import nn


def _block(cin: int, cout: int) -> nn.Sequential:
    return nn.Sequential(nn.Conv2d(cin, cout, 3, padding=1, bias=False), nn.BatchNorm2d(cout), nn.ReLU(True))


class PlateNet(nn.Module):
    """3x32x128 plate image -> (N, 32, classes) CTC logits; class 0 is the blank (about 80 M MACs)."""

    def __init__(self, classes: int) -> None:
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(3, 32, 3, stride=2, padding=1, bias=False),  # 16 x 64
            nn.BatchNorm2d(32),
            nn.ReLU(True),
            _block(32, 64),
            nn.MaxPool2d(2),  # 8 x 32
            _block(64, 96),
            _block(96, 96),
            nn.MaxPool2d((2, 1)),  # 4 x 32
            _block(96, 128),
            nn.Conv2d(128, 192, (4, 1), bias=False),  # collapse the height: 1 x 32
            nn.BatchNorm2d(192),
            nn.ReLU(True),
        )
        self.context = nn.Sequential(
            nn.Conv1d(192, 192, 5, padding=2, bias=False),
            nn.BatchNorm1d(192),
            nn.ReLU(True),
            nn.Dropout(0.1),
            nn.Conv1d(192, classes, 1),
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Logits (N, T, classes)."""
        f = self.features(x).squeeze(2)
        return self.context(f).transpose(1, 2)


class Probabilities(nn.Module):
    """The exported graph: softmax over classes, (N, T, classes), as the reader's CTC decoder expects."""

    def __init__(self, net: PlateNet) -> None:
        super().__init__()
        self.net = net

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Class probabilities per time step."""
        return torch.softmax(self.net(x), dim=-1)


def load_onnx_weights(net: PlateNet, path: Path) -> None:
    """Load an exported plate_rec.onnx (batch norm folded into the convolutions) into ``net``.

    Each folded convolution bias goes to its batch norm as an identity (weight 1, mean 0, variance 1 - eps),
    so the network computes the same function in eval mode; fine-tune it with frozen batch norm
    (``freeze_batch_norm``), since batch statistics would change that function.
    """
    model = onnx.load(str(path))
    weights = {
        i.name: torch.from_numpy(onnx.numpy_helper.to_array(i).copy()) for i in model.graph.initializer
    }
    folded = [(weights[n.input[1]], weights[n.input[2]]) for n in model.graph.node if n.op_type == "Conv"]
    layers = [
        m for m in net.modules() if isinstance(m, (nn.Conv1d, nn.Conv2d, nn.BatchNorm1d, nn.BatchNorm2d))
    ]
    convs = [(m, layers[i + 1] if i + 1 < len(layers) else None) for i, m in enumerate(layers)]
    convs = [(c, bn) for c, bn in convs if isinstance(c, (nn.Conv1d, nn.Conv2d))]
    if len(convs) != len(folded):
        raise ValueError(f"{path}: {len(folded)} convolutions, the network has {len(convs)}")
    with torch.no_grad():
        for (conv, bn), (weight, bias) in zip(convs, folded, strict=True):
            if conv.weight.shape != weight.shape:
                raise ValueError(f"{path}: weight shape {tuple(weight.shape)} != {tuple(conv.weight.shape)}")
            conv.weight.copy_(weight)
            if conv.bias is not None:
                conv.bias.copy_(bias)
            elif isinstance(bn, (nn.BatchNorm1d, nn.BatchNorm2d)):
                bn.weight.fill_(1.0)
                bn.bias.copy_(bias)
                bn.running_mean.zero_()  # type: ignore[union-attr]
                bn.running_var.fill_(1.0 - bn.eps)  # type: ignore[union-attr]


def freeze_batch_norm(net: nn.Module) -> None:
    """Training mode for everything but batch norm, which keeps its running statistics (fine-tuning)."""
    net.train()
    for module in net.modules():
        if isinstance(module, (nn.BatchNorm1d, nn.BatchNorm2d)):
            module.eval()


def export_onnx(net: PlateNet, path: Path, size: tuple[int, int]) -> None:
    """Write the model as ONNX (input "image" N x 3 x H x W in [-1, 1], output "probs"), batch dynamic."""
    net.eval()
    dummy = torch.zeros(1, 3, *size)
    path.parent.mkdir(parents=True, exist_ok=True)
    torch.onnx.export(
        Probabilities(net),
        (dummy,),
        str(path),
        input_names=["image"],
        output_names=["probs"],
        dynamic_axes={"image": {0: "batch"}, "probs": {0: "batch"}},
        opset_version=17,
        dynamo=False,
    )
