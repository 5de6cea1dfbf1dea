"""Reasons a doorplate code is refused, each with an English code and a zh-CN message."""

from __future__ import annotations

from enum import StrEnum


class Reason(StrEnum):
    """Why a token was refused; the value is the stable English code returned by APIs."""

    MALFORMED = "malformed"
    TRUNCATED = "truncated"
    UNSUPPORTED_VERSION = "unsupported_version"
    FOREIGN_HOST = "foreign_host"
    UNKNOWN_KEY = "unknown_key"
    BAD_SIGNATURE = "bad_signature"
    RETIRED_KEY = "retired_key"
    WRONG_KIND = "wrong_kind"
    REVOKED = "revoked"


MESSAGES_ZH: dict[Reason, str] = {
    Reason.MALFORMED: "二维码内容无法识别，不是本系统的门牌码",
    Reason.TRUNCATED: "二维码内容不完整，请重新扫描或更换门牌",
    Reason.UNSUPPORTED_VERSION: "门牌码版本不受支持",
    Reason.FOREIGN_HOST: "二维码指向的不是本系统的网址，请勿访问",
    Reason.UNKNOWN_KEY: "门牌码的签名密钥未知，可能是伪造的门牌",
    Reason.BAD_SIGNATURE: "门牌码签名无效，可能被伪造或篡改",
    Reason.RETIRED_KEY: "门牌码的签名密钥已停用，请联系物业更换门牌",
    Reason.WRONG_KIND: "二维码类型不符（门牌码与巡更点码不能混用）",
    Reason.REVOKED: "该门牌码已注销，请联系物业更换门牌",
}

MESSAGES_EN: dict[Reason, str] = {
    Reason.MALFORMED: "not a doorplate code",
    Reason.TRUNCATED: "the code is incomplete",
    Reason.UNSUPPORTED_VERSION: "unsupported doorplate code version",
    Reason.FOREIGN_HOST: "the code points to a foreign host",
    Reason.UNKNOWN_KEY: "signed by an unknown key",
    Reason.BAD_SIGNATURE: "invalid signature: forged or altered",
    Reason.RETIRED_KEY: "signed by a retired key",
    Reason.WRONG_KIND: "wrong kind of code (address vs patrol checkpoint)",
    Reason.REVOKED: "the code has been revoked",
}


class Refused(Exception):
    """A doorplate token that must not be trusted; `reason` says why."""

    def __init__(self, reason: Reason, detail: str = "") -> None:
        self.reason = reason
        self.detail = detail
        super().__init__(f"{reason.value}: {MESSAGES_EN[reason]}" + (f" ({detail})" if detail else ""))

    @property
    def message_zh(self) -> str:
        """The zh-CN message to show to the person who scanned."""
        return MESSAGES_ZH[self.reason]

    @property
    def message_en(self) -> str:
        """The English message for API clients."""
        return MESSAGES_EN[self.reason]

    def as_dict(self) -> dict[str, str]:
        """Error body for an API: stable code first, then zh-CN and English messages."""
        return {"code": self.reason.value, "message": self.message_zh, "message_en": self.message_en}
