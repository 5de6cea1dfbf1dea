"""Creating and changing console users (also used by `sc init` and `sc users`)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from property_console.errors import Conflict, DomainError
from property_console.models import User
from property_console.schemas.user import UserCreate
from property_console.security.passwords import hash_password, password_problem


def check_password(password: str) -> None:
    problem = password_problem(password)
    if problem:
        raise DomainError.one(
            "password.weak",
            "密码强度不足：至少8位，且包含字母和数字或符号",
            f"Password too weak: {problem}",
            "password",
        )


def create_user(db: Session, body: UserCreate) -> User:
    check_password(body.password)
    if db.execute(select(User.id).where(User.username == body.username)).first():
        raise Conflict.one("user.duplicate", "用户名已存在", "Username exists", "username")
    user = User(
        username=body.username,
        display_name=body.display_name,
        role=body.role.value,
        password_hash=hash_password(body.password),
        person_id=body.person_id,
        phone=body.phone,
    )
    db.add(user)
    db.flush()
    return user


def set_password(user: User, password: str) -> None:
    check_password(password)
    user.password_hash = hash_password(password)
    user.failed_attempts, user.locked_until = 0, None
