"""Fixtures the screen tests share."""

from collections.abc import Iterator

import pytest

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
