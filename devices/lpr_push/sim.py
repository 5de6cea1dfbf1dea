"""LPR camera simulator: pushes `AlarmInfoPlate` JSON over HTTP like a real camera, retrying on timeouts."""

from __future__ import annotations

import base64
import itertools
import time
from dataclasses import dataclass, field
from typing import Any

import httpx

from devices.lpr_push.models import COLOUR_CODES


@dataclass
class PushResult:
    """What the camera understood from the reply."""

    opened: bool
    serial_data: list[bytes] = field(default_factory=list)
    reply: dict[str, Any] = field(default_factory=dict)


class LprCameraSimulator:
    """`push_plate()` posts a read and tells whether the barrier opened; `heartbeat()` keeps it alive."""

    def __init__(
        self,
        url: str,
        *,
        serial: str = "LPR-SIM-0001",
        ip: str = "127.0.0.1",
        timeout: float = 3.0,
        retries: int = 2,
        client: httpx.Client | None = None,
    ):
        self.url = url
        self.serial = serial
        self.ip = ip
        self.retries = retries
        self._client = client or httpx.Client(timeout=timeout)
        self._ids = itertools.count(1)
        self._beats = itertools.count(1)
        self.barrier_opens = 0
        self.results: list[PushResult] = []

    def plate_payload(
        self, plate: str, colour: str, confidence: float, image: bytes | None, plate_id: int
    ) -> dict[str, Any]:
        """The JSON body a camera would send."""
        now = time.time()
        result: dict[str, Any] = {
            "license": plate,
            "colorType": COLOUR_CODES.get(colour, 0),
            "confidence": round(confidence * 100),
            "plateid": plate_id,
            "triggerType": 8,
            "timeStamp": {"Timeval": {"sec": int(now), "usec": int((now % 1) * 1e6)}},
        }
        if image is not None:
            result["imageFile"] = base64.b64encode(image).decode()
            result["imageFileLen"] = len(image)
        info = {"channel": 0, "deviceName": "IVS", "ipaddr": self.ip, "serialno": self.serial}
        return {"AlarmInfoPlate": {**info, "result": {"PlateResult": result}}}

    def push_plate(
        self, plate: str, *, colour: str = "blue", confidence: float = 0.95, image: bytes | None = None
    ) -> PushResult:
        """Post one read (same plateid on retries) and interpret the reply."""
        body = self.plate_payload(plate, colour, confidence, image, next(self._ids))
        reply = self._post(body)
        resp = reply.get("Response_AlarmInfoPlate", {})
        data = [base64.b64decode(item["data"]) for item in resp.get("serialData", [])]
        result = PushResult(resp.get("info") == "ok", data, reply)
        self.barrier_opens += int(result.opened)
        self.results.append(result)
        return result

    def heartbeat(self) -> dict[str, Any]:
        """Post a heartbeat."""
        return self._post(
            {"heartbeat": {"countid": next(self._beats), "serialno": self.serial}, "ipaddr": self.ip}
        )

    def _post(self, body: dict[str, Any]) -> dict[str, Any]:
        last: Exception | None = None
        for _attempt in range(self.retries + 1):
            try:
                response = self._client.post(self.url, json=body)
                response.raise_for_status()
                return dict(response.json())
            except httpx.TransportError as exc:
                last = exc
        raise ConnectionError(f"LPR push to {self.url} failed: {last}")

    def close(self) -> None:
        """Close the HTTP client."""
        self._client.close()
