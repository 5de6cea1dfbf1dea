"""One-time login codes by phone: rate limited, expiring, HMAC-hashed at rest, a few tries each."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from property_console.doorplate.otp_sender import OtpSender
from property_console.errors import DomainError, Unauthorized
from property_console.models import LoginSession, Person, User, utcnow
from property_console.models.doorplate import OtpCode
from property_console.security.passwords import hash_password
from property_console.security.roles import Role
from property_console.services.auth import token_hash

CODE_DIGITS = 6
TTL = dt.timedelta(minutes=5)
MAX_TRIES = 5
PER_PHONE_GAP = dt.timedelta(seconds=60)
PER_PHONE_HOUR = 5
PER_CLIENT_HOUR = 20


def _aware(t: dt.datetime) -> dt.datetime:
    return t if t.tzinfo else t.replace(tzinfo=dt.UTC)


def code_hash(secret: str, phone: str, code: str) -> str:
    """Keyed hash: a stolen table does not give 10^6 codes to brute-force offline."""
    return hmac.new(secret.encode(), f"otp\0{phone}\0{code}".encode(), hashlib.sha256).hexdigest()


def _too_many(message_zh: str, message_en: str) -> DomainError:
    return DomainError.one("otp.rate_limited", message_zh, message_en, "phone", status_code=429)


def _check_rate(db: Session, phone: str, client: str, now: dt.datetime) -> None:
    hour = now - dt.timedelta(hours=1)
    last = db.execute(select(func.max(OtpCode.created_at)).where(OtpCode.phone == phone)).scalar_one()
    if last is not None and _aware(last) > now - PER_PHONE_GAP:
        raise _too_many("验证码发送过于频繁，请1分钟后再试", "Wait a minute before asking for another code")
    n_phone = db.execute(
        select(func.count()).where(OtpCode.phone == phone, OtpCode.created_at > hour)
    ).scalar_one()
    n_client = db.execute(
        select(func.count()).where(OtpCode.client == client, OtpCode.created_at > hour)
    ).scalar_one()
    if n_phone >= PER_PHONE_HOUR or n_client >= PER_CLIENT_HOUR:
        raise _too_many("验证码请求次数过多，请1小时后再试", "Too many codes requested; try again in an hour")


def request_code(
    db: Session, secret: str, sender: OtpSender, phone: str, client: str, now: dt.datetime
) -> dt.datetime:
    """Send a new code (older unused ones die); the same answer whether or not the phone is known."""
    _check_rate(db, phone, client, now)
    code = f"{secrets.randbelow(10**CODE_DIGITS):0{CODE_DIGITS}d}"
    for old in db.execute(select(OtpCode).where(OtpCode.phone == phone, OtpCode.used_at.is_(None))).scalars():
        old.used_at = now
    row = OtpCode(
        phone=phone,
        code_hash=code_hash(secret, phone, code),
        client=client[:64],
        created_at=now,
        expires_at=now + TTL,
    )
    db.add(row)
    db.flush()
    sender.send(phone, code)
    return row.expires_at


def check_code(db: Session, secret: str, phone: str, code: str, now: dt.datetime) -> bool:
    """Consume the current code if it matches; count a wrong try (the caller commits before refusing)."""
    row = db.execute(
        select(OtpCode)
        .where(OtpCode.phone == phone, OtpCode.used_at.is_(None))
        .order_by(OtpCode.created_at.desc())
        .limit(1)
    ).scalar_one_or_none()
    if row is None:
        raise Unauthorized.one("otp.none", "请先获取验证码", "Request a code first", "code")
    if _aware(row.expires_at) <= now:
        raise Unauthorized.one("otp.expired", "验证码已过期，请重新获取", "The code has expired", "code")
    if not hmac.compare_digest(row.code_hash, code_hash(secret, phone, code.strip())):
        row.attempts += 1
        if row.attempts >= MAX_TRIES:
            row.used_at = now
        return False
    row.used_at = now
    return True


def resident_user(db: Session, phone: str) -> User:
    """The resident account of this phone; created on first verified login, linked to its person if unique."""
    persons = list(db.execute(select(Person.id).where(Person.phone == phone)).scalars())
    conds = [User.phone == phone] + ([User.person_id.in_(persons)] if persons else [])
    stmt = select(User).where(User.role == Role.RESIDENT.value, or_(*conds)).order_by(User.created_at)
    user = db.execute(stmt.limit(1)).scalar_one_or_none()
    if user is not None:
        return user
    user = User(
        username=f"tel{phone}",
        display_name=f"住户{phone[-4:]}",
        role=Role.RESIDENT.value,
        password_hash=hash_password(secrets.token_urlsafe(24)),  # OTP only: no usable password
        phone=phone,
        person_id=persons[0] if len(persons) == 1 else None,
    )
    db.add(user)
    db.flush()
    return user


def open_session(db: Session, user: User, hours: float) -> tuple[str, dt.datetime]:
    """A bearer token like a password login gives (stored hashed; real time, as the session check uses)."""
    now = utcnow()
    token = secrets.token_urlsafe(32)
    expires = now + dt.timedelta(hours=hours)
    db.add(LoginSession(token_hash=token_hash(token), user_id=user.id, expires_at=expires))
    user.last_login_at = now
    return token, expires
