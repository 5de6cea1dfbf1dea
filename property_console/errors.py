"""One error schema for the whole API: field, code, message in zh-CN and English."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class FieldError:
    """One problem with one input field (or the request as a whole when field is None)."""

    code: str
    message_zh: str
    message_en: str
    field: str | None = None

    def as_dict(self) -> dict[str, str | None]:
        return {
            "field": self.field,
            "code": self.code,
            "message_zh": self.message_zh,
            "message_en": self.message_en,
        }


class DomainError(Exception):
    """A request the domain refuses; carries one or more FieldErrors and an HTTP status."""

    status_code = 422

    def __init__(self, *errors: FieldError, status_code: int | None = None) -> None:
        super().__init__("; ".join(f"{e.field}: {e.message_en}" for e in errors))
        self.errors = list(errors)
        if status_code is not None:
            self.status_code = status_code

    @classmethod
    def one(
        cls, code: str, zh: str, en: str, field: str | None = None, status_code: int | None = None
    ) -> DomainError:
        return cls(FieldError(code, zh, en, field), status_code=status_code)


class NotFound(DomainError):
    """The addressed record does not exist (or the caller may not know it exists)."""

    status_code = 404


class Conflict(DomainError):
    """The request clashes with stored data, e.g. a duplicate person."""

    status_code = 409


class Forbidden(DomainError):
    """The caller's role does not allow this."""

    status_code = 403


class Unauthorized(DomainError):
    """No valid login."""

    status_code = 401


@dataclass
class ErrorBody:
    """Serialised error response: {"errors": [...]}."""

    errors: list[FieldError] = field(default_factory=list)

    def as_dict(self) -> dict[str, list[dict[str, str | None]]]:
        return {"errors": [e.as_dict() for e in self.errors]}
