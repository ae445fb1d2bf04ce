"""Who may talk to the app, and what the browser may do with its answers.

One ASGI middleware, ``Guard``, in front of every route:

- **token**: when the config has one, a request must carry it (``Authorization: Bearer T``, the
  ``chipsmith_token`` cookie, or ``?token=T`` once: the page then sets the cookie and redirects to
  the address without it), else 401;
- **host**: a loopback server answers only requests addressed to a loopback name, so a web page
  that rebinds its own domain name to 127.0.0.1 (DNS rebinding) gets 403;
- **cross-site writes**: a request that changes something (not GET/HEAD) must be JSON and come
  from the app's own origin (``Origin`` / ``Sec-Fetch-Site``), so another site open in the same
  browser cannot start a turn or cancel one;
- **headers**: every answer gets ``X-Content-Type-Options: nosniff``, ``Referrer-Policy:
  no-referrer`` and, unless the route set its own, a Content-Security-Policy that allows scripts
  and styles from the app only (no inline script: user content can never run as code).
"""

from __future__ import annotations

import hmac
from collections.abc import Awaitable, Callable, MutableMapping
from http.cookies import SimpleCookie
from typing import Any
from urllib.parse import parse_qsl, urlencode

from chipsmith.web.config import WebConfig, is_loopback

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

COOKIE = "chipsmith_token"
PAGE_CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; frame-src 'self'; font-src 'self'; base-uri 'none'; form-action 'self'; "
    "frame-ancestors 'self'"
)
SCHEMATIC_CSP = PAGE_CSP.replace("script-src 'self'", "script-src 'self' 'unsafe-eval'")
"""netlistsvg validates its input with ajv, which compiles the schema with ``new Function``."""
REPORT_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'self'; sandbox"
"""A bench report (its own inline styles and SVG; no script at all), shown in a frame."""
FILE_CSP = "default-src 'none'; sandbox"
"""A workspace file served raw: text/plain, and even a browser that sniffed it could run nothing."""
SAFE_METHODS = ("GET", "HEAD", "OPTIONS")


def header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", []):
        if key.lower() == name:
            return str(value.decode("latin-1"))
    return None


def presented_token(scope: Scope) -> tuple[str | None, bool]:
    """Pure: (the token a request carries, whether it came in the query string)."""
    auth = header(scope, b"authorization") or ""
    if auth.lower().startswith("bearer "):
        return auth[7:].strip(), False
    cookie = SimpleCookie()
    try:
        cookie.load(header(scope, b"cookie") or "")
    except Exception:  # a malformed Cookie header is no token, not a crash
        cookie = SimpleCookie()
    if COOKIE in cookie:
        return cookie[COOKIE].value, False
    query = dict(parse_qsl(scope.get("query_string", b"").decode("latin-1")))
    return query.get("token"), "token" in query


def token_matches(given: str | None, expected: str) -> bool:
    return given is not None and hmac.compare_digest(given.encode(), expected.encode())


def host_allowed(scope: Scope) -> bool:
    """Pure: a request to a loopback server must name a loopback host (DNS rebinding)."""
    host = header(scope, b"host")
    if host is None:
        return True  # HTTP/1.0 clients and the test client's raw calls; no browser omits Host
    if host.startswith("["):
        name = host[1 : host.find("]")] if "]" in host else host
    else:
        name = host.rsplit(":", 1)[0]
    return is_loopback(name)


def same_origin_write(scope: Scope) -> str | None:
    """Pure: why a state-changing request is refused (None: allowed)."""
    if scope.get("method", "GET") in SAFE_METHODS:
        return None
    site = header(scope, b"sec-fetch-site")
    if site is not None and site not in ("same-origin", "none"):
        return "cross-site request refused"
    origin, host = header(scope, b"origin"), header(scope, b"host")
    if origin is not None and host is not None and origin.split("://", 1)[-1] != host:
        return "cross-origin request refused"
    if not (header(scope, b"content-type") or "").startswith("application/json"):
        return "send JSON (Content-Type: application/json)"
    return None


def _without_token(scope: Scope) -> str:
    query = [(k, v) for k, v in parse_qsl(scope.get("query_string", b"").decode("latin-1")) if k != "token"]
    return scope.get("path", "/") + (f"?{urlencode(query)}" if query else "")


class Guard:
    """The middleware described in the module docstring."""

    def __init__(self, app: ASGIApp, config: WebConfig) -> None:
        self.app = app
        self.config = config

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if self.config.loopback and not host_allowed(scope):
            await _plain(send, 403, "requests must address this server by a loopback name")
            return
        if self.config.token is not None:
            given, in_query = presented_token(scope)
            if not token_matches(given, self.config.token):
                await _plain(send, 401, "missing or wrong access token (chipsmith serve printed it)")
                return
            if in_query:
                await _set_cookie_redirect(send, _without_token(scope), self.config.token)
                return
        why = same_origin_write(scope)
        if why is not None:
            await _plain(send, 403, why)
            return
        await self.app(scope, receive, _with_headers(send))


def _with_headers(send: Send) -> Send:
    async def wrapped(message: Message) -> None:
        if message["type"] == "http.response.start":
            headers = list(message.get("headers", []))
            names = {k.lower() for k, _ in headers}
            extra = [
                (b"x-content-type-options", b"nosniff"),
                (b"referrer-policy", b"no-referrer"),
                (b"x-frame-options", b"SAMEORIGIN"),
                (b"content-security-policy", PAGE_CSP.encode()),
            ]
            headers += [(k, v) for k, v in extra if k not in names]
            message["headers"] = headers
        await send(message)

    return wrapped


async def _plain(send: Send, status: int, text: str) -> None:
    body = (text + "\n").encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"text/plain; charset=utf-8"),
                (b"content-length", str(len(body)).encode()),
                (b"x-content-type-options", b"nosniff"),
                (b"content-security-policy", FILE_CSP.encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


async def _set_cookie_redirect(send: Send, location: str, token: str) -> None:
    cookie = f"{COOKIE}={token}; Path=/; HttpOnly; SameSite=Strict"
    await send(
        {
            "type": "http.response.start",
            "status": 303,
            "headers": [
                (b"location", location.encode("latin-1")),
                (b"set-cookie", cookie.encode()),
                (b"content-length", b"0"),
                (b"referrer-policy", b"no-referrer"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": b""})
