"""Password hashing with argon2id; unknown users are checked against a dummy hash so timing reveals nothing."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

_hasher = PasswordHasher()
_DUMMY_HASH = _hasher.hash("dummy password for timing")
MIN_LENGTH = 8


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password: str, password_hash: str | None) -> bool:
    """True when the password matches; with no hash, burn the same time and return False."""
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, password) and password_hash is not None
    except (VerificationError, InvalidHashError):
        return False


def password_problem(password: str) -> str | None:
    """A reason (English) why a new password is too weak, or None."""
    if len(password) < MIN_LENGTH:
        return f"at least {MIN_LENGTH} characters"
    kinds = sum(any(f(c) for c in password) for f in (str.isdigit, str.isalpha, lambda c: not c.isalnum()))
    if kinds < 2:
        return "mix letters with digits or symbols"
    return None
