"""What the web server adds around Streamlit: security headers on every response, and the
screen a person opened before signing in, which they land on after it."""

from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any
from urllib.parse import quote, unquote, urlsplit

from starlette.requests import Request
from streamlit import config

from grantmon.ui.navigation import screens

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

# No other site may show the dashboard in a frame (clickjacking); Streamlit's own frames are
# served from the same origin. The Referer stays on this site.
SECURITY_HEADERS = [
    (b"x-frame-options", b"SAMEORIGIN"),
    (b"content-security-policy", b"frame-ancestors 'self'"),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"same-origin"),
]
NEXT_COOKIE = "grantmon_next"
NEXT_MAX_AGE = 600  # seconds: long enough to sign in, short enough not to surprise later
USER_COOKIE = b"_streamlit_user="


class SecurityHeaders:
    """Add the security headers to every HTTP response."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Pass the request on; put the headers on the response."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        names = {name for name, _ in SECURITY_HEADERS}

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                kept = [h for h in message.get("headers", []) if h[0].lower() not in names]
                message["headers"] = kept + SECURITY_HEADERS
            await send(message)

        await self.app(scope, receive, send_with_headers)


def _base_path() -> str:
    base = str(config.get_option("server.baseUrlPath") or "").strip("/")
    return f"/{base}" if base else ""


def safe_next(target: str, base: str) -> str | None:
    """A path and query of one of the dashboard's screens, or None for anything else."""
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not parts.path.startswith(f"{base}/"):
        return None
    name = parts.path[len(base) + 1 :]
    if name and name not in {screen.name for screen in screens()}:
        return None
    if len(parts.query) > 1000 or any(c in target for c in "\r\n\\"):
        return None
    return parts.path + (f"?{parts.query}" if parts.query else "")


def _next_from_referer(request: Request, base: str) -> str | None:
    referer = urlsplit(request.headers.get("referer", ""))
    if referer.netloc != request.headers.get("host"):
        return None  # only a page of this very site
    return safe_next(referer._replace(scheme="", netloc="").geturl(), base)


def _header(message: Message, name: bytes) -> bytes | None:
    return next((v for k, v in message.get("headers", []) if k.lower() == name), None)


def _sets_identity(header: tuple[bytes, bytes]) -> bool:
    name, value = header
    if name.lower() != b"set-cookie" or not value.startswith(USER_COOKIE):
        return False
    # Clearing the cookie (a failed sign-in) also names it, with an empty value.
    return not value.startswith(USER_COOKIE + b'""') and b"max-age=0" not in value.lower()


def _signed_in_now(message: Message) -> bool:
    return message["status"] in (302, 303, 307) and any(
        _sets_identity(header) for header in message.get("headers", [])
    )


def _cookie(value: str, max_age: int) -> tuple[bytes, bytes]:
    attributes = f"Path=/; Max-Age={max_age}; HttpOnly; SameSite=Lax"
    return b"set-cookie", f"{NEXT_COOKIE}={value}; {attributes}".encode("latin-1")


class ReturnAfterSignIn:
    """Remember the screen from which sign-in began; send the person there once signed in."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Remember on the way to the provider; redirect on the way back."""
        base = _base_path()
        if scope["type"] != "http" or scope["path"] not in (
            f"{base}/auth/login",
            f"{base}/oauth2callback",
        ):
            await self.app(scope, receive, send)
            return
        request = Request(scope)
        if scope["path"].endswith("/auth/login"):
            target = _next_from_referer(request, base)
            headers = [_cookie(quote(target, safe=""), NEXT_MAX_AGE)] if target else []
        else:
            target = safe_next(unquote(request.cookies.get(NEXT_COOKIE, "")), base)
            headers = [_cookie("", 0)] if target else []

        async def send_redirected(message: Message) -> None:
            if message["type"] == "http.response.start" and headers:
                if scope["path"].endswith("/oauth2callback") and target:
                    if not _signed_in_now(message):
                        await send(message)  # a failed sign-in keeps the screen for a retry
                        return
                    kept = [h for h in message["headers"] if h[0].lower() != b"location"]
                    message["headers"] = [*kept, (b"location", target.encode("latin-1"))]
                message["headers"] = [*message.get("headers", []), *headers]
            await send(message)

        await self.app(scope, receive, send_redirected)
