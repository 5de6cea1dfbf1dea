"""CRC-16/CCITT-FALSE (poly 0x1021, init 0xFFFF), as used by the text alarm-host protocol."""

from __future__ import annotations


def crc16_ccitt(data: bytes, crc: int = 0xFFFF) -> int:
    """Bitwise CRC; check value for b"123456789" is 0x29B1."""
    for byte in data:
        crc ^= byte << 8
        for _ in range(8):
            crc = ((crc << 1) ^ 0x1021) if crc & 0x8000 else (crc << 1)
            crc &= 0xFFFF
    return crc
