"""Door outputs over devices/: the lock relay, a red/green light and a voice prompt (relay, bus command, TTS)."""

from __future__ import annotations

import logging
import shutil
import subprocess
from typing import Protocol

from devices.bus import Command, Transport, cmd_topic
from devices.relay import Relay

log = logging.getLogger(__name__)


class RelayLock:
    """LockRelay on a relay channel: a pulse releases the lock; hold keeps it released (fire, fail-safe)."""

    def __init__(self, relay: Relay) -> None:
        self.relay = relay
        self.switched = True  # did the last command reach the relay (acks of door commands report it)

    def unlock(self, seconds: float) -> None:
        """Energise the lock-release output for `seconds` (a relay failure is logged, the loop goes on)."""
        try:
            self.relay.pulse(seconds)
            self.switched = True
        except ConnectionError:
            self.switched = False
            log.exception("lock relay %s did not switch / 门锁继电器未动作", self.relay.name)

    def hold_unlocked(self, on: bool) -> None:
        """Keep the lock released until told otherwise."""
        try:
            self.relay.hold(on)
            self.switched = True
        except ConnectionError:
            self.switched = False
            log.exception("lock relay %s did not switch / 门锁继电器未动作", self.relay.name)


class Voice(Protocol):
    """Something that speaks a zh-CN prompt."""

    def say(self, text_zh: str) -> None:
        """Speak."""
        ...


class EspeakVoice:
    """Local TTS through espeak-ng (zh voice) if installed; otherwise silent (logged once)."""

    def __init__(self, binary: str = "espeak-ng", voice: str = "cmn") -> None:
        self.binary = shutil.which(binary)
        self.voice = voice
        if self.binary is None:
            log.info("espeak-ng not installed: voice prompts only go out as device commands")

    def say(self, text_zh: str) -> None:
        """Speak without blocking the door loop."""
        if self.binary is not None:
            subprocess.Popen(
                [self.binary, "-v", self.voice, text_zh],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )


class BusCommandSignals:
    """Light and voice as device commands on the bus (`cmd/light {colour}`, `cmd/say {text_zh}`) for a door
    terminal that has its own lights and speaker; fire-and-forget, the door never waits for an ack."""

    def __init__(self, transport: Transport, community: str, device_id: str) -> None:
        self.transport, self.community, self.device_id = transport, community, device_id

    def _send(self, name: str, **args: str) -> None:
        command = Command(name=name, args=args, timeout_s=2.0)
        try:
            self.transport.publish(cmd_topic(self.community, self.device_id, name), command.to_bytes(), qos=0)
        except ConnectionError as exc:
            log.debug("door terminal command %s not sent: %s", name, exc)

    def light(self, colour: str) -> None:
        """Show green / red on the terminal."""
        self._send("light", colour=colour)

    def say(self, text_zh: str) -> None:
        """Have the terminal speak the prompt."""
        self._send("say", text_zh=text_zh, lang="zh-CN")


class RelaySignals:
    """Green and red lamps on relay channels (each lit for `lit_s`), plus an optional voice."""

    def __init__(
        self, green: Relay | None, red: Relay | None, voice: Voice | None = None, lit_s: float = 2.0
    ) -> None:
        self.lamps = {"green": green, "red": red}
        self.voice, self.lit_s = voice, lit_s

    def light(self, colour: str) -> None:
        """Light one lamp for lit_s."""
        lamp = self.lamps.get(colour)
        if lamp is not None:
            lamp.pulse(self.lit_s)

    def say(self, text_zh: str) -> None:
        """Speak through the configured voice, if any."""
        if self.voice is not None:
            self.voice.say(text_zh)


class CombinedSignals:
    """Fan the light and voice out to several outputs; one failing output does not silence the others."""

    def __init__(self, *outputs: RelaySignals | BusCommandSignals) -> None:
        self.outputs = outputs

    def light(self, colour: str) -> None:
        """Every output shows the colour."""
        for out in self.outputs:
            try:
                out.light(colour)
            except Exception:
                log.exception("door light output failed")

    def say(self, text_zh: str) -> None:
        """Every output speaks."""
        for out in self.outputs:
            try:
                out.say(text_zh)
            except Exception:
                log.exception("door voice output failed")
