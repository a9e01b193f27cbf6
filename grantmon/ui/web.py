"""What the web server adds around Streamlit: security headers on every response, the screen a
person opened before signing in, which they land on after it, and a clear page when the
organisation's sign-in service cannot be reached."""

import html
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any
from urllib.parse import quote, unquote, urlsplit

from starlette.requests import Request
from streamlit import config

from grantmon.i18n import browser_language, default_language, t, use_language
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


UNREACHABLE_PAGE = """<!doctype html>
<html lang="{lang}"><head><meta charset="utf-8"><title>{title}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>body{{font-family:sans-serif;max-width:40rem;margin:4rem auto;padding:0 1rem;
line-height:1.5;color:#1f2937}}a{{color:#1d4ed8}}</style></head>
<body><h1>{title}</h1><p>{message}</p><p><a href="{back}">{link}</a></p></body></html>
"""


def unreachable_page(accept_language: str, base: str) -> bytes:
    """The page a person sees when the sign-in service does not answer, in their language."""
    language = browser_language(accept_language) or default_language()
    with use_language(language):
        page = UNREACHABLE_PAGE.format(
            lang=language,
            title=html.escape(t("Sign-in is not available right now")),
            message=html.escape(
                t(
                    "Your organisation's sign-in service cannot be reached, so you cannot sign "
                    "in at the moment. Nothing is wrong with your account: try again in a few "
                    "minutes."
                )
            ),
            back=html.escape(f"{base}/"),
            link=html.escape(t("Back to the grant monitor")),
        )
    return page.encode("utf-8")


class ProviderUnreachable:
    """A sign-in that cannot reach the identity provider gets a page saying so, with a way
    back, instead of Streamlit's bare "Authentication error"."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Pass every request on; replace the login's failure (HTTP 400) with the page."""
        base = _base_path()
        if scope["type"] != "http" or scope["path"] != f"{base}/auth/login":
            await self.app(scope, receive, send)
            return
        replaced = False

        async def send_explained(message: Message) -> None:
            nonlocal replaced
            if message["type"] == "http.response.start" and message["status"] == 400:
                replaced = True
                language = Request(scope).headers.get("accept-language", "")
                body = unreachable_page(language, base)
                await send(_start(503, len(body)))
                await send({"type": "http.response.body", "body": body})
            elif not replaced:
                await send(message)

        await self.app(scope, receive, send_explained)


def _start(status: int, length: int) -> Message:
    headers = [
        (b"content-type", b"text/html; charset=utf-8"),
        (b"content-length", str(length).encode()),
        (b"retry-after", b"60"),
        (b"cache-control", b"no-store"),
    ]
    return {"type": "http.response.start", "status": status, "headers": headers}
