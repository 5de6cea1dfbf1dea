"""The bus section of every edge config file (door.yaml, gate.yaml, the perimeter's --mqtt-url)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, model_validator

from devices.bus import MqttSettings, with_last_will


class BusConfig(BaseModel):
    """Where the broker is: `url` (mqtt:// or mqtts://, see MqttSettings.from_url) or host/port; TLS files and
    credentials may also be given as fields (they win over the URL)."""

    model_config = ConfigDict(extra="forbid")

    url: str | None = Field(default=None, description="mqtt://host:1883 or mqtts://host:8883?ca=…")
    host: str = "127.0.0.1"
    port: int = Field(default=1883, ge=1, le=65535)
    username: str | None = None
    password: str | None = Field(default=None, repr=False)
    ca: str | None = Field(default=None, description="CA bundle (PEM): TLS on")
    cert: str | None = Field(default=None, description="client certificate (PEM)")
    key: str | None = Field(default=None, description="client key (PEM)", repr=False)
    keepalive: int = Field(
        default=15, ge=2, le=600, description="seconds; the broker declares the device offline after 1.5×"
    )

    @model_validator(mode="after")
    def _check(self) -> BusConfig:
        self.settings("check")  # a bad URL fails when the config is loaded, not when the link is first needed
        return self

    def settings(self, client_id: str) -> MqttSettings:
        """MQTT settings for one client of this broker."""
        url = self.url or f"{'mqtts' if self.ca else 'mqtt'}://{self.host}:{self.port}"
        return MqttSettings.from_url(
            url,
            client_id=client_id,
            username=self.username,
            password=self.password,
            tls_ca=self.ca,
            tls_cert=self.cert,
            tls_key=self.key,
            keepalive=self.keepalive,
        )

    def device_settings(self, community: str, device_id: str) -> MqttSettings:
        """Settings of an edge device: a stable client id and a retained offline last will."""
        return with_last_will(self.settings(f"sc-{community}-{device_id}"[:64]), community, device_id)
