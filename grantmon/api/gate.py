"""Who is calling: the bearer token becomes its user's actor, checked in the database on every
call; local mode answers this machine only; each token has a rate limit."""

import math
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from fastapi import Request
from sqlalchemy import Engine
from sqlmodel import Session

from grantmon.i18n import t
from grantmon.services.core.access import Actor
from grantmon.services.core.tokens import PREFIX, holder_of
from grantmon.settings import get_settings, is_loopback

TOKEN_PARAMETERS = frozenset({"token", "access_token", "api_key", "apikey", "key", "bearer"})


class Refusal(Exception):
    """A call refused before any data is read: status, words for the caller, extra headers."""

    def __init__(self, status: int, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = headers or {}


@dataclass(frozen=True)
class Serving:
    """How the server runs: with sign-in configured or in local mode, and on which address."""

    local_mode: Callable[[], bool]
    address: Callable[[], str]


@dataclass
class RateLimit:
    """A token bucket per API token: `per_minute` calls, refilled evenly over the minute."""

    per_minute: int
    _buckets: dict[int, tuple[float, float]] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def wait_for(self, token_id: int, now: float | None = None) -> int:
        """0 when the call may go ahead (it is counted), else the seconds until it may."""
        now = time.monotonic() if now is None else now
        rate = self.per_minute / 60
        with self._lock:
            left, then = self._buckets.get(token_id, (float(self.per_minute), now))
            left = min(float(self.per_minute), left + (now - then) * rate)
            if left < 1:
                self._buckets[token_id] = (left, now)
                return max(1, math.ceil((1 - left) / rate))
            self._buckets[token_id] = (left - 1, now)
            return 0


def _refuse_token_in_query(request: Request) -> None:
    for name, value in request.query_params.multi_items():
        if name.lower() in TOKEN_PARAMETERS or value.startswith(PREFIX):
            raise Refusal(
                400,
                t(
                    "A token never goes in the address, where logs and browsers keep it: send "
                    "it as the header Authorization: Bearer TOKEN. Revoke this token and ask "
                    "for a new one."
                ),
            )


def _refuse_beyond_this_machine(request: Request, serving: Serving) -> None:
    if not serving.local_mode():
        return
    client = request.client.host if request.client else ""
    if not (is_loopback(serving.address()) and is_loopback(client)):
        raise Refusal(
            403,
            t("Without sign-in (local mode) the API answers on this machine only."),
        )


def bearer_token(request: Request) -> str:
    """The token of the Authorization header, or a 401 refusal."""
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Refusal(
            401,
            t("Send an API token as the header Authorization: Bearer TOKEN."),
            {"WWW-Authenticate": 'Bearer realm="grantmon"'},
        )
    return token.strip()


@dataclass(frozen=True)
class Gate:
    """Everything a call passes before a read: address, token, rate."""

    engine: Callable[[], Engine]
    serving: Serving
    limit: RateLimit

    def actor(self, request: Request) -> Actor:
        """The caller's actor, or a Refusal (400, 401, 403 or 429) that names no data."""
        _refuse_token_in_query(request)
        _refuse_beyond_this_machine(request, self.serving)
        token = bearer_token(request)
        with Session(self.engine()) as session:
            holder = holder_of(session, token)
        if holder is None:
            raise Refusal(
                401,
                t("This token is unknown, expired or revoked: ask an administrator for one."),
                {"WWW-Authenticate": 'Bearer realm="grantmon", error="invalid_token"'},
            )
        wait = self.limit.wait_for(holder.token_id)
        if wait:
            raise Refusal(
                429,
                t("Too many calls with this token: try again in {seconds} s.", seconds=wait),
                {"Retry-After": str(wait)},
            )
        return holder.actor


def default_limit() -> RateLimit:
    """The rate limit of the settings (GRANTMON_API_REQUESTS_PER_MINUTE)."""
    return RateLimit(per_minute=get_settings().api_requests_per_minute)


def sessions(engine: Callable[[], Engine]) -> Callable[[], Iterator[Session]]:
    """A dependency giving each call its own database session."""

    def session() -> Iterator[Session]:
        with Session(engine()) as opened:
            yield opened

    return session
