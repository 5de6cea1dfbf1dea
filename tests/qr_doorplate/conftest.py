"""Fixtures for the doorplate tests: a fixed clock, a keyring, addresses and a private data dir."""

from __future__ import annotations

from pathlib import Path

import pytest

from qr_doorplate.addresses import PlateAddress
from qr_doorplate.keyring import Keyring
from qr_doorplate.token import Kind
from tests.qr_doorplate.doorplate_support import HOST, NOW


@pytest.fixture
def keyring() -> Keyring:
    return Keyring().rotate(NOW)


@pytest.fixture
def addresses() -> list[PlateAddress]:
    return [
        PlateAddress("C0001-B03", "浙江省杭州市西湖区文三路幸福小区3栋", "3栋", "C0001-B03"),
        PlateAddress("C0001-B03-U2", "浙江省杭州市西湖区文三路幸福小区3栋2单元", "3栋2单元", "C0001-B03"),
        PlateAddress(
            "C0001-B03-U2-F05-R0501",
            "浙江省杭州市西湖区文三路幸福小区3栋2单元501室",
            "3栋2单元501室",
            "C0001-B03",
        ),
        PlateAddress("CP-EAST-07", "幸福小区东门岗亭巡更点", "巡更点 07", "C0001-B03", Kind.CHECKPOINT),
        PlateAddress("C0001-B04", "浙江省杭州市西湖区文三路幸福小区4栋", "4栋", "C0001-B04"),
    ]


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("SC_DOORPLATE_DATA_DIR", str(tmp_path / "var"))
    monkeypatch.setenv("SC_DOORPLATE_HOST", HOST)
    return tmp_path / "var"
