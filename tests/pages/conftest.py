"""Fixtures the screen tests share."""

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import Engine

from data_model.db import make_engine
from tests.conftest import forget_app_caches
from tests.e2e.conftest import seeded_database


@pytest.fixture(scope="module")
def demo_app(tmp_path_factory) -> Iterator[None]:
    """One seeded SQLite database for a module's read-only screens (services cover PostgreSQL)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DATABASE_URL", seeded_database(tmp_path_factory.mktemp("screens")))
        forget_app_caches()
        yield
    forget_app_caches()


@contextmanager
def app_on_demo_data(folder: Path, prepare: Callable[[Engine], None]) -> Iterator[None]:
    """The app on a seeded SQLite database that `prepare` has added to, for a module's tests."""
    with pytest.MonkeyPatch.context() as patch:
        url = seeded_database(folder)
        engine = make_engine(url)
        prepare(engine)
        engine.dispose()
        patch.setenv("DATABASE_URL", url)
        forget_app_caches()
        yield
    forget_app_caches()
