"""What every response of the review page carries, and what every request must prove.

One ASGI middleware, :class:`Guard`, sets the security headers on every response (a strict
Content-Security-Policy: the page runs only the scripts and styles served from ``/static``),
refuses a request body over :data:`BODY_LIMIT`, and gives each browser its CSRF cookie.

CSRF is a signed double submit: the cookie ``jobzone_csrf`` holds a random value per browser
(HttpOnly, SameSite=Strict), and a form proves it came from our page by sending the HMAC of that
value under the server's secret, which only our pages can show it (the hidden field ``csrf``, or
the header ``X-CSRF-Token`` htmx sends). The secret is made at start-up, so a restart voids every
token and the pages simply need reloading.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from http.cookies import SimpleCookie

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import PlainTextResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from jobzone.errors import InputError
from jobzone.web.loopback import is_loopback

#: Above this, a request's body is refused (413) before anything reads it.
BODY_LIMIT = 256 * 1024
CSRF_COOKIE = "jobzone_csrf"
CSRF_FIELD = "csrf"
CSRF_HEADER = "X-CSRF-Token"

HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "frame-ancestors 'none'; form-action 'self'; base-uri 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}


class Secret:
    """The server's signing key: CSRF tokens and session cookies are HMACs under it, each with
    its own purpose so that one can never stand for the other."""

    def __init__(self) -> None:
        self._key = secrets.token_bytes(32)

    def sign(self, purpose: str, value: str) -> str:
        message = f"{purpose}\0{value}".encode()
        return hmac.new(self._key, message, hashlib.sha256).hexdigest()

    def verify(self, purpose: str, value: str, signature: str) -> bool:
        return hmac.compare_digest(self.sign(purpose, value), signature)


def browser_value(request: Request) -> str:
    """This browser's CSRF cookie value (the one :class:`Guard` is about to set, on a first
    visit)."""
    value = request.scope.get("state", {}).get("csrf_browser")
    return str(value or "")


def csrf_token(request: Request, secret: Secret) -> str:
    """The token this browser's forms send back."""
    return secret.sign("csrf", browser_value(request))


def csrf_valid(request: Request, form: FormData, secret: Secret) -> bool:
    """Whether a POST carries the token of the cookie it came with."""
    cookie = request.cookies.get(CSRF_COOKIE, "")
    sent = form.get(CSRF_FIELD) or request.headers.get(CSRF_HEADER) or ""
    return bool(cookie) and isinstance(sent, str) and secret.verify("csrf", cookie, sent)


class BodyTooLargeError(InputError):
    """A body that declared no length ran past the limit while being read; the app answers
    413 (see :func:`too_large`)."""


@dataclass
class Guard:
    """Headers, the body limit and the CSRF cookie, around the whole app."""

    app: ASGIApp
    limit: int = BODY_LIMIT
    #: Whether requests must be addressed to a loopback name or address. A page served on
    #: loopback answers only to those: a web page elsewhere that points its own name at
    #: 127.0.0.1 (DNS rebinding) must not read the drafts.
    loopback_only: bool = False

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if self.loopback_only and not is_loopback(_host(scope)):
            await _plain(send, 421, "this review page answers only at its own loopback address")
            return
        cookie = _cookie(scope, CSRF_COOKIE)
        fresh = None if cookie else secrets.token_urlsafe(24)
        scope.setdefault("state", {})["csrf_browser"] = cookie or fresh
        seen = 0

        async def headed(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                headers += [(k.lower().encode(), v.encode()) for k, v in HEADERS.items()]
                if fresh is not None:
                    headers.append((b"set-cookie", _csrf_cookie(fresh).encode()))
                message = {**message, "headers": headers}
            await send(message)

        async def limited() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.limit:
                    raise BodyTooLargeError(f"the request body is over {self.limit} bytes")
            return message

        if _declared_length(scope) > self.limit:
            await _plain(headed, 413, "request body too large")
            return
        await self.app(scope, limited, headed)


def _host(scope: Scope) -> str:
    """The request's Host header without its port (and without the brackets of an IPv6 one)."""
    for key, value in scope.get("headers", []):
        if key == b"host":
            host = str(value.decode("latin-1")).strip().lower()
            if host.startswith("["):
                return host[1 : host.find("]")] if "]" in host else host
            return host.rsplit(":", 1)[0] if host.count(":") == 1 else host
    return ""


def _declared_length(scope: Scope) -> int:
    for key, value in scope.get("headers", []):
        if key == b"content-length":
            try:
                return int(value)
            except ValueError:
                return 0
    return 0


def _cookie(scope: Scope, name: str) -> str | None:
    for key, value in scope.get("headers", []):
        if key == b"cookie":
            jar = SimpleCookie()
            jar.load(value.decode("latin-1"))
            if name in jar:
                return jar[name].value or None
    return None


def _csrf_cookie(value: str) -> str:
    return f"{CSRF_COOKIE}={value}; Path=/; HttpOnly; SameSite=Strict"


async def too_large(request: Request, exc: Exception) -> PlainTextResponse:
    return PlainTextResponse("request body too large", status_code=413)


async def _plain(send: Send, status: int, text: str) -> None:
    body = text.encode()
    headers = [(b"content-type", b"text/plain; charset=utf-8")]
    headers.append((b"content-length", str(len(body)).encode()))
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
