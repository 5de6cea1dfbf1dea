"""HTTP(S) transport to the district receiver: GA/T 1400 register/keepalive/unregister and object uploads."""

from __future__ import annotations

import datetime as dt
from typing import Any, Protocol

import httpx

from property_console.uplink.settings import UplinkSettings
from property_console.uplink.viid import BEIJING, ENDPOINTS, wrap

OK = "0"
PERMANENT = frozenset({"4", "5", "6", "7", "8"})  # invalid operation / format / content: never retry


class TransientError(ConnectionError):
    """The district cannot take the batch now (down, timeout, 5xx): retry with backoff."""


class ConfigError(PermissionError):
    """Credentials refused or the receiver misconfigured (401/403/404): retry slowly, alert the operator."""


class DistrictTransport(Protocol):
    def register(self) -> dict[str, Any]: ...
    def keepalive(self, resync_done: str | None = None) -> dict[str, Any]: ...
    def unregister(self) -> None: ...
    def send(self, key: str, objects: list[dict[str, Any]]) -> list[dict[str, Any]]: ...
    def close(self) -> None: ...


def _now() -> str:
    return dt.datetime.now(BEIJING).strftime("%Y%m%d%H%M%S")


class HttpTransport:
    """Digest-authenticated JSON over HTTP(S); `client` may be injected (tests pass a TestClient)."""

    def __init__(self, settings: UplinkSettings, device_id: str, client: httpx.Client | None = None) -> None:
        self.device_id = device_id
        user = settings.username or device_id
        self._client = client or httpx.Client(
            base_url=settings.url, verify=settings.verify_tls, timeout=settings.timeout_seconds
        )
        self._client.auth = httpx.DigestAuth(user, settings.password)
        self._client.headers["Content-Type"] = "application/VIID+JSON"

    def _post(self, path: str, body: dict[str, Any]) -> dict[str, Any]:
        try:
            r = self._client.post(path, json=body)
        except httpx.HTTPError as exc:
            raise TransientError(f"{path}: {type(exc).__name__}: {exc}") from exc
        if r.status_code in (401, 403, 404):
            raise ConfigError(f"{path}: HTTP {r.status_code} {r.text[:200]}")
        if r.status_code >= 300:
            raise TransientError(f"{path}: HTTP {r.status_code} {r.text[:200]}")
        data: dict[str, Any] = r.json()
        return data

    def _system(self, name: str, extra: dict[str, Any] | None = None) -> dict[str, Any]:
        obj = {"DeviceID": self.device_id, **(extra or {})}
        return self._post(f"/VIID/System/{name}", {f"{name}Object": obj})

    def register(self) -> dict[str, Any]:
        return self._system("Register")

    def keepalive(self, resync_done: str | None = None) -> dict[str, Any]:
        return self._system("Keepalive", {"ResyncDone": resync_done} if resync_done else None)

    def unregister(self) -> None:
        self._system("UnRegister")

    def send(self, key: str, objects: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """Upload one list; returns the ResponseStatusObject of each object, in order."""
        return item_statuses(key, objects, self._post(ENDPOINTS[key].path, wrap(key, objects)))

    def close(self) -> None:
        self._client.close()


def item_statuses(key: str, objects: list[dict[str, Any]], answer: dict[str, Any]) -> list[dict[str, Any]]:
    """The district's ResponseStatusObject per uploaded object, in order; a count mismatch is transient."""
    statuses: list[dict[str, Any]] = answer.get("ResponseStatusListObject", {}).get(
        "ResponseStatusObject", []
    )
    if len(statuses) != len(objects):
        raise TransientError(f"{key}: {len(statuses)} statuses for {len(objects)} objects")
    return statuses


def local_time() -> str:
    """GA/T 1400 LocalTime for status objects."""
    return _now()
