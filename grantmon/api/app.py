"""The API application, mounted at /api/v1 beside the dashboard (grantmon/server/app.py).

FastAPI, for the OpenAPI document it writes from the same declarations that check each
parameter, and whose checks answer here as a 400 naming the parameter.
"""

import time
from collections.abc import Callable
from typing import Any

from fastapi import FastAPI, Request, Response
from fastapi.exceptions import RequestValidationError
from sqlalchemy import Engine
from starlette.exceptions import HTTPException

from grantmon.api.gate import Gate, RateLimit, Refusal, Serving, default_limit
from grantmon.api.params import BadParameters
from grantmon.api.replies import CSV_FLAG, PATH_KEY, error_reply
from grantmon.api.resources import router
from grantmon.i18n import browser_language, default_language, t, use_language
from grantmon.services.core.access import ReadRefused
from grantmon.services.core.database import default_engine

ASGI = Callable[..., Any]
LOOPBACK_ONLY = Serving(local_mode=lambda: True, address=lambda: "127.0.0.1")


async def _refused(_request: Request, error: Exception) -> Response:
    assert isinstance(error, Refusal)
    return error_reply(error.status, [{"message": error.message}], error.headers)


async def _bad_parameters(_request: Request, error: Exception) -> Response:
    assert isinstance(error, BadParameters)
    return error_reply(400, error.errors)


async def _invalid(_request: Request, error: Exception) -> Response:
    """FastAPI's own checks (a limit that is not a number, an unknown stage...) as a 400."""
    assert isinstance(error, RequestValidationError)
    errors = [
        {
            "parameter": str(item["loc"][-1]),
            "message": t(
                "'{name}' is not valid: {problem}.",
                name=item["loc"][-1],
                problem=str(item["msg"]).removeprefix("Value error, "),
            ),
        }
        for item in error.errors()
    ]
    return error_reply(400, errors)


async def _read_refused(_request: Request, _error: Exception) -> Response:
    return error_reply(403, [{"message": t("Your role does not let you read this resource.")}])


async def _not_found(_request: Request, error: Exception) -> Response:
    assert isinstance(error, HTTPException)
    if error.status_code == 404:
        return error_reply(404, [{"message": t("There is no such resource: see /api/v1/.")}])
    return error_reply(error.status_code, [{"message": str(error.detail)}])


class CallerLanguageAndFormat:
    """Answer in the caller's language (Accept-Language), read a `.csv` suffix as asking for
    CSV (/api/v1/milestones.csv is /api/v1/milestones with Accept: text/csv), and say in a
    Server-Timing header how long the server took to start answering."""

    def __init__(self, app: ASGI) -> None:
        self.app = app

    async def __call__(self, scope: dict, receive: Callable, send: Callable) -> None:
        """Pass the request on in the caller's language, its suffix read."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        scope[PATH_KEY] = scope["path"]
        if scope["path"].endswith(".csv"):
            scope[CSV_FLAG] = True
            scope["path"] = scope["path"].removesuffix(".csv")
            scope["raw_path"] = scope["path"].encode()
        headers = dict(scope.get("headers") or [])
        language = browser_language(headers.get(b"accept-language", b"").decode("latin-1"))
        began = time.perf_counter()

        async def timed(message: dict) -> None:
            if message["type"] == "http.response.start":
                spent = (time.perf_counter() - began) * 1000
                timing = (b"server-timing", f"app;dur={spent:.1f}".encode())
                message["headers"] = [*message.get("headers", []), timing]
            await send(message)

        with use_language(language or default_language()):
            await self.app(scope, receive, timed)


def api_app(
    engine: Callable[[], Engine] = default_engine,
    serving: Serving = LOOPBACK_ONLY,
    limit: RateLimit | None = None,
) -> ASGI:
    """The read API, on the database `engine` gives; `serving` says how the server runs;
    `limit` is each token's rate (default: the settings')."""
    api = FastAPI(
        title="Grant monitor API",
        version="1",
        description=(
            "Read-only figures of the J/TIP award to IOM Morocco, as the token's user sees them "
            "on the dashboard. Authorization: Bearer TOKEN (grantmon tokens add EMAIL)."
        ),
        openapi_url="/openapi.json",
        docs_url=None,  # the interactive pages load scripts from a CDN: not here
        redoc_url=None,
        exception_handlers={
            Refusal: _refused,
            BadParameters: _bad_parameters,
            RequestValidationError: _invalid,
            ReadRefused: _read_refused,
            HTTPException: _not_found,
        },
    )
    api.state.gate = Gate(engine=engine, serving=serving, limit=limit or default_limit())
    api.include_router(router)
    return CallerLanguageAndFormat(api)
