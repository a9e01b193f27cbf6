"""Shared fixtures: real databases (SQLite file, PostgreSQL), seeded, and the app settings."""

import contextlib
import os
import uuid
from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from sqlalchemy import Engine
from sqlalchemy.engine import make_url

from data_model.db import make_engine, upgrade
from seed.run import seed_database

IN_CI = os.environ.get("CI", "").lower() == "true"
PG_ADMIN_URL = os.environ.get(
    "GRANTMON_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)


def skip_or_fail(reason: str) -> None:
    """Skip locally with a hint; in CI a required test that cannot run fails the run."""
    if IN_CI:
        pytest.fail(f"Required in CI but unavailable: {reason}")
    pytest.skip(reason)


def _pg_admin_engine() -> Engine:
    engine = sa.create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect():
            pass
    except sa.exc.OperationalError:
        skip_or_fail(
            f"PostgreSQL is not reachable at {PG_ADMIN_URL}; start it or set "
            "GRANTMON_TEST_PG_URL to run the PostgreSQL tests."
        )
    return engine


@contextlib.contextmanager
def fresh_postgres() -> Iterator[str]:
    """A new, empty PostgreSQL database URL, dropped on leaving."""
    admin = _pg_admin_engine()
    name = f"grantmon_test_{uuid.uuid4().hex[:12]}"
    with admin.connect() as connection:
        connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(PG_ADMIN_URL).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """A fresh, empty PostgreSQL database, dropped afterwards."""
    with fresh_postgres() as url:
        yield url


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path) -> str:
    """An empty database URL: a SQLite file, then a PostgreSQL database."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'grantmon.db'}"
    return str(request.getfixturevalue("postgres_url"))


@pytest.fixture
def empty_engine(database_url: str) -> Iterator[Engine]:
    """An engine on a migrated, empty database."""
    engine = make_engine(database_url)
    upgrade(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def other_engine(database_url: str, tmp_path) -> Iterator[Engine]:
    """A second migrated, empty database of the same kind as `database_url`."""
    with contextlib.ExitStack() as stack:
        url = f"sqlite:///{tmp_path / 'other.db'}"
        if not database_url.startswith("sqlite"):
            url = stack.enter_context(fresh_postgres())
        engine = make_engine(url)
        upgrade(engine)
        yield engine
        engine.dispose()


@pytest.fixture
def demo_engine(empty_engine: Engine) -> Engine:
    """An engine on a database seeded with the public facts and the demo set."""
    seed_database(empty_engine, demo=True)
    return empty_engine


def forget_app_caches() -> None:
    """Forget the settings and engines, so the app in this process reads DATABASE_URL anew."""
    import streamlit as st

    from grantmon.services.core.database import engine_for
    from grantmon.settings import get_settings

    for clear in (get_settings.cache_clear, engine_for.cache_clear, st.cache_resource.clear):
        clear()


@pytest.fixture
def app_database(tmp_path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Engine]:
    """Point the app at a seeded SQLite database (the services tests also cover PostgreSQL)."""
    engine = make_engine(f"sqlite:///{tmp_path / 'app.db'}")
    upgrade(engine)
    seed_database(engine, demo=True)
    monkeypatch.setenv("DATABASE_URL", engine.url.render_as_string(hide_password=False))
    forget_app_caches()
    yield engine
    forget_app_caches()
    engine.dispose()
