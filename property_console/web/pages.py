"""Page routes: each page declares the permission it needs; no login → the login page, no right → 403 page."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Depends, FastAPI, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from sqlalchemy.orm import Session

from property_console.api.deps import POLICY_ATTR, bearer_token, get_db, public
from property_console.api.services import services_of
from property_console.errors import Unauthorized
from property_console.models import User
from property_console.security.roles import PERMISSIONS, Role
from property_console.services.auth import principal_for_token
from property_console.web.i18n import COOKIE, LANGS, catalogue, translator

WEB = Path(__file__).resolve().parent
STATIC = WEB / "static"
templates = Jinja2Templates(directory=WEB / "templates")
router = APIRouter(include_in_schema=False)

# (key, path, permission): the menu, in order; a role sees the entries its permissions allow.
NAV = (
    ("dashboard", "/", "dashboard:read"),
    ("alarms", "/alarms", "alarms:read"),
    ("gates", "/gates", "events:read"),
    ("perimeter", "/perimeter", "perimeter:read"),
    ("visitors", "/visitors", "visitor_passes:read"),
    ("persons", "/persons", "persons:read"),
    ("houses", "/houses", "houses:read"),
    ("vehicles", "/vehicles", "vehicles:read"),
    ("organisations", "/organisations", "organisations:read"),
    ("reports", "/reports", "reports:read"),
    ("import", "/import", "import"),
)


class LoginRequired(Exception):
    """No valid session: send the browser to the login page."""


class PageDenied(Exception):
    """Logged in, but the role may not open this page."""


@dataclass
class Viewer:
    """Who is looking at a page, in which language."""

    username: str
    display_name: str
    role: str
    permissions: list[str]
    lang: str
    extra: dict[str, Any] = field(default_factory=dict)

    def can(self, permission: str) -> bool:
        return permission == "self" or permission in self.permissions


def language(request: Request) -> str:
    lang = request.cookies.get(COOKIE, "zh")
    return lang if lang in LANGS else "zh"


def viewer(request: Request, db: Session) -> Viewer:
    """The logged-in user from the session cookie (the same token the API uses)."""
    token = bearer_token(request)
    if token is None:
        raise LoginRequired
    try:
        who = principal_for_token(db, token)
    except Unauthorized:
        raise LoginRequired from None
    user = db.get(User, who.user_id)
    perms = sorted(PERMISSIONS[Role(who.role)])
    return Viewer(
        who.username, user.display_name if user else who.username, who.role, perms, language(request)
    )


def page(permission: str) -> Any:
    """Route dependency for a page that needs `permission` (declared for the default-deny check)."""

    def check(request: Request, db: Session = Depends(get_db, scope="function")) -> Viewer:
        found = viewer(request, db)
        if not found.can(permission):
            raise PageDenied
        return found

    setattr(check, POLICY_ATTR, permission)
    return Depends(check, scope="function")


@cache
def _digest(name: str) -> str:
    return hashlib.sha256((STATIC / name).read_bytes()).hexdigest()[:10]


def asset(name: str) -> str:
    """A static URL with a content hash, so browsers never run a stale module after an upgrade."""
    return f"/static/{name}?v={_digest(name)}"


def render(
    request: Request, who: Viewer, name: str, key: str, script: str | None, **ctx: Any
) -> HTMLResponse:
    t = translator(who.lang)
    nav = [{"key": k, "href": href, "active": k == key} for k, href, perm in NAV if who.can(perm)]
    me = {
        "username": who.username,
        "display_name": who.display_name,
        "role": who.role,
        "role_label": t(f"role.{who.role}"),
        "permissions": who.permissions,
    }
    settings = services_of(request.app).settings
    boot = {
        "me": me,
        "lang": who.lang,
        "timezone": settings.timezone,
        "i18n": catalogue(who.lang),
        "page": key,
        **ctx.pop("boot", {}),
    }
    context = {
        "t": t,
        "lang": who.lang,
        "me": me,
        "nav": nav,
        "page": key,
        "script": script,
        "boot": boot,
        "asset": asset,
        "community": settings.community_name,
        "here": quote(str(request.url.path)),
        **ctx,
    }
    return templates.TemplateResponse(request, name, context)


def install(app: FastAPI) -> None:
    """Register the page routes and the redirect / denied handlers."""
    from property_console.web import views  # noqa: F401  (adds its routes to `router`)

    app.include_router(router)

    @app.exception_handler(LoginRequired)
    async def to_login(request: Request, _: LoginRequired) -> Response:
        return RedirectResponse(f"/login?next={quote(request.url.path)}", status_code=303)

    @app.exception_handler(PageDenied)
    async def denied(request: Request, _: PageDenied) -> Response:
        t = translator(language(request))
        ctx = {"t": t, "lang": language(request), "asset": asset}
        return templates.TemplateResponse(request, "denied.html", ctx, status_code=403)


def safe_next(target: str | None) -> str:
    """Only same-site paths are followed after login or a language switch."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target


@router.get("/login", response_class=HTMLResponse)
def login_page(request: Request, _: Annotated[Session, public()], next: str | None = None) -> Response:
    lang = language(request)
    t = translator(lang)
    settings = services_of(request.app).settings
    ctx = {
        "t": t,
        "lang": lang,
        "asset": asset,
        "community": settings.community_name,
        "next": safe_next(next),
        "here": quote(str(request.url.path)),
    }
    return templates.TemplateResponse(request, "login.html", ctx)


@router.get("/lang/{lang}")
def switch_language(lang: str, _: Annotated[Session, public()], next: str | None = None) -> Response:
    response = RedirectResponse(safe_next(next), status_code=303)
    if lang in LANGS:
        response.set_cookie(COOKIE, lang, max_age=365 * 86400, samesite="lax")
    return response


@router.get("/", response_class=HTMLResponse)
def home(request: Request, who: Annotated[Viewer, page("self")]) -> Response:
    """The dashboard for roles that watch events; everyone else lands on their first page."""
    if who.can("dashboard:read"):
        return render(request, who, "dashboard.html", "dashboard", "dashboard")
    first = next((href for _, href, perm in NAV if who.can(perm)), None)
    if first is None:
        raise PageDenied
    return RedirectResponse(first, status_code=303)
