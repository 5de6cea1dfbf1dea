"""Enrol communities (digest credentials, webhook) and police users."""

from __future__ import annotations

from sqlalchemy.orm import Session

from district_cloud import auth, digest
from district_cloud import models as m


def put_community(
    db: Session,
    code: str,
    name: str,
    password: str,
    realm: str,
    *,
    webhook_url: str | None = None,
    webhook_secret: str | None = None,
) -> m.Community:
    """Create or update a community's credentials; only the digest HA1 is stored."""
    c = db.get(m.Community, code) or m.Community(code=code, objects_received=0, registered=False)
    c.name, c.ha1 = name, digest.ha1(code, realm, password)
    c.webhook_url, c.webhook_secret = webhook_url, webhook_secret
    db.add(c)
    return c


def put_user(
    db: Session, username: str, password: str, role: str, display_name: str = "", community: str | None = None
) -> m.User:
    if role not in auth.ROLES:
        raise ValueError(f"role must be one of {auth.ROLES}")
    if role == "community_police" and not community:
        raise ValueError("community police need a community")
    u = db.query(m.User).filter(m.User.username == username).one_or_none() or m.User(username=username)
    u.display_name, u.role, u.community = display_name or username, role, community
    u.password_hash, u.active = auth.hash_password(password), True
    db.add(u)
    return u
