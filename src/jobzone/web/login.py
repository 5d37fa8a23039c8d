"""Who is acting. Local mode: the one reviewer the server was started for. Team mode: each
browser presents its reviewer's token once (``/login?token=...`` or the login form) and gets a
signed session cookie naming that reviewer; every other page requires it.

The cookie is ``name.issued.signature``, signed with the server's secret, so a restart (a new
secret) or :data:`SESSION_SECONDS` ends every session.
"""

from __future__ import annotations

import base64
import binascii
import hmac
import time
from dataclasses import dataclass

from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response
from starlette.types import ASGIApp, Receive, Scope, Send

from jobzone.web.security import csrf_valid
from jobzone.web.site import Site, page, site_of

SESSION_COOKIE = "jobzone_session"
SESSION_SECONDS = 12 * 3600
#: Paths served without a session: the login itself, and the static files it needs.
OPEN_PATHS = ("/login", "/static/")


def _reviewer_for(site: Site, token: str) -> str | None:
    """The reviewer whose token this is; every token is compared, in constant time."""
    found = None
    for known, name in (site.tokens or {}).items():
        if hmac.compare_digest(known.encode(), token.encode()):
            found = name
    return found


def session_value(site: Site, name: str, issued: int) -> str:
    encoded = base64.urlsafe_b64encode(name.encode()).decode()
    return f"{encoded}.{issued}.{site.secret.sign('session', _signed(name, issued))}"


def _signed(name: str, issued: int) -> str:
    return f"{name}\0{issued}"


def session_reviewer(site: Site, value: str, now: float) -> str | None:
    """The reviewer a session cookie names, if it is ours and still fresh."""
    parts = value.split(".")
    if len(parts) != 3 or not parts[1].isdigit():
        return None
    try:
        name = base64.urlsafe_b64decode(parts[0]).decode()
    except (binascii.Error, UnicodeDecodeError):
        return None
    issued = int(parts[1])
    fresh = 0 <= now - issued < SESSION_SECONDS
    return (
        name if fresh and site.secret.verify("session", _signed(name, issued), parts[2]) else None
    )


@dataclass
class RequireLogin:
    """Settles ``state.reviewer`` for every request, or sends a browser without a session (in
    team mode) to the login page; a POST without one is refused."""

    app: ASGIApp

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request = Request(scope)
        site = site_of(request)
        name: str | None = site.reviewer
        if site.team:
            cookie = request.cookies.get(SESSION_COOKIE, "")
            name = session_reviewer(site, cookie, time.time())
        path = scope["path"]
        if name is None and not path.startswith(OPEN_PATHS):
            refused: Response = (
                RedirectResponse("/login", status_code=303)
                if scope["method"] in ("GET", "HEAD")
                else PlainTextResponse("log in first: this server needs a reviewer's token", 403)
            )
            await refused(scope, receive, send)
            return
        scope.setdefault("state", {})["reviewer"] = name
        await self.app(scope, receive, send)


async def login(request: Request) -> Response:
    """GET: the form, or a token from the link a reviewer was given. POST: the form's token."""
    site = site_of(request)
    if not site.team:
        return RedirectResponse("/", status_code=303)
    if request.method == "POST":
        form = await request.form()
        if not csrf_valid(request, form, site.secret):
            return PlainTextResponse("the form's CSRF token is missing or stale; reload", 403)
        token = form.get("token")
    else:
        token = request.query_params.get("token")
    if token is None:
        return page(request, "login.html.j2", error=None)
    name = _reviewer_for(site, str(token))
    if name is None:
        return page(request, "login.html.j2", 403, error="That token is not one of this server's.")
    response = RedirectResponse("/", status_code=303)
    response.set_cookie(
        SESSION_COOKIE,
        session_value(site, name, int(time.time())),
        max_age=SESSION_SECONDS,
        httponly=True,
        samesite="strict",
    )
    return response
