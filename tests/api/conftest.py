"""One real server per database (`grantmon/server/app.py`, as `grantmon run` serves it) with the
demo data and a token for each demo person, shared by every read test of the session."""

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from sqlalchemy import Engine
from sqlmodel import Session

from data_model.db import make_engine, upgrade
from grantmon.services.core.access import LOCAL_ACTOR
from grantmon.services.core.tokens import issue_token
from seed.run import seed_database
from tests.conftest import fresh_postgres
from tests.e2e.conftest import launch_dashboard, stop, wait_healthy

PEOPLE = {
    "administrator": "admin@example.org",
    "m&e officer": "me.officer@example.org",
    "programme manager": "manager.iom@example.org",
    "viewer": "viewer@example.org",
    "donor": "donor@example.org",
}


@dataclass
class Api:
    """A running server's API, its database, and a token for each role."""

    url: str
    database_url: str
    engine: Engine
    tokens: dict[str, str]

    def get(self, path: str, role: str | None = "donor", **params: object) -> httpx.Response:
        """GET a resource as a role (None: without a token)."""
        headers = {"Authorization": f"Bearer {self.tokens[role]}"} if role else {}
        headers |= {str(k): str(v) for k, v in params.pop("headers", {}).items()}  # type: ignore[attr-defined]
        query = {str(k): str(v) for k, v in params.items()}
        return httpx.get(f"{self.url}/api/v1{path}", params=query, headers=headers, timeout=60)

    def json(self, path: str, role: str = "donor", **params: object) -> dict:
        """The JSON of a call that must succeed."""
        reply = self.get(path, role, **params)
        assert reply.status_code == 200, reply.text
        return reply.json()


def issue(engine: Engine, email: str, **options: object) -> str:
    """A fresh token for a person with access."""
    with Session(engine) as session:
        return issue_token(session=session, actor=LOCAL_ACTOR, email=email, **options).token  # type: ignore[arg-type]


def seeded(url: str) -> Engine:
    """A migrated database with the public facts and the demo set."""
    engine = make_engine(url)
    upgrade(engine)
    seed_database(engine, demo=True)
    return engine


@contextlib.contextmanager
def serving_api(database_url: str, log: Path, **environment: str) -> Iterator[str]:
    """The dashboard's server (and so the API) on a free port; its address."""
    with pytest.MonkeyPatch.context() as patch:
        for name, value in environment.items():
            patch.setenv(name, value)
        process, url = launch_dashboard(database_url, preload=True, log=log)
    try:
        wait_healthy(url, process)
        yield url
    finally:
        stop(process)


@contextlib.contextmanager
def database(kind: str, folder: Path) -> Iterator[str]:
    """A fresh database of the kind asked for; its URL."""
    if kind == "sqlite":
        yield f"sqlite:///{folder / 'api.db'}"
        return
    with fresh_postgres() as url:
        yield url


@pytest.fixture(
    scope="session", params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
)
def api(request, tmp_path_factory) -> Iterator[Api]:
    """The demo served on SQLite, then on PostgreSQL, with one token per role."""
    folder = tmp_path_factory.mktemp(f"api-{request.param}")
    with database(request.param, folder) as url:
        engine = seeded(url)
        tokens = {role: issue(engine, email) for role, email in PEOPLE.items()}
        with serving_api(url, folder / "server.log") as served:
            yield Api(served, url, engine, tokens)
        engine.dispose()


@contextlib.contextmanager
def api_in_thread(engine: Engine) -> Iterator[str]:
    """The API alone on `engine`, served over HTTP by uvicorn on a thread of this process (no
    rate limit to speak of); its address."""
    import threading
    import time

    import uvicorn
    from starlette.applications import Starlette
    from starlette.routing import Mount

    from grantmon.api.app import api_app
    from grantmon.api.gate import RateLimit
    from grantmon.cli.bench_servers import free_port

    api = api_app(engine=lambda: engine, limit=RateLimit(per_minute=100_000))
    app = Starlette(routes=[Mount("/api/v1", app=api)])  # where the server mounts it
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="error"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
