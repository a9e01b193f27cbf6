"""Two app servers on one database: a save made through one shows on the other at its next rerun.

Each server process has its own caches; they stay right because every cached read is keyed by the
database's data version, which every write moves on.
"""

from collections.abc import Iterator

import pytest

from data_model.db import make_engine, upgrade
from seed.run import seed_database
from tests.e2e.conftest import screenshot, seeded_database, start_dashboard
from tests.e2e.test_screens_browser import wait_for_screen
from tests.e2e.test_update_browser import choose, complete_milestone, late_count

pytestmark = pytest.mark.browser


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def shared_database(request: pytest.FixtureRequest, tmp_path) -> str:
    """A demo-seeded database both servers use: one SQLite file, or one PostgreSQL database."""
    if request.param == "sqlite":
        return seeded_database(tmp_path)
    url = str(request.getfixturevalue("postgres_url"))
    engine = make_engine(url)
    upgrade(engine)
    seed_database(engine, demo=True)
    engine.dispose()
    return url


@pytest.fixture
def two_servers(shared_database: str) -> Iterator[tuple[str, str]]:
    """Two `streamlit run dashboard.py` processes on the same database."""
    first, first_url = start_dashboard(shared_database)
    try:
        second, second_url = start_dashboard(shared_database)
    except BaseException:
        first.terminate()
        raise
    yield first_url, second_url
    for process in (first, second):
        process.terminate()
        process.wait(timeout=20)


@pytest.fixture
def other(browser):
    """A second browser session, for the second server."""
    context = browser.new_context(viewport={"width": 1440, "height": 900})
    yield context.new_page()
    context.close()


def test_a_save_on_one_server_shows_on_the_other_at_its_next_reload(page, other, two_servers):
    first_url, second_url = two_servers
    other.goto(second_url)
    wait_for_screen(other, "Overview")
    late_before = late_count(other)  # now cached by the second server

    page.goto(first_url)
    wait_for_screen(page, "Overview")
    choose(page, "View as (local mode)", "Demo IOM programme manager")
    wait_for_screen(page, "Overview")
    complete_milestone(page, "A1.3-M1")

    other.reload()
    wait_for_screen(other, "Overview")
    screenshot(other, "second-server-after-save")
    assert late_count(other) == late_before - 1
