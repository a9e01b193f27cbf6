"""A failure shows a short message with a reference, never a trace with the server's paths;
the trace is in the server's log under that reference."""

import re
from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from data_model.db import make_engine
from tests.e2e.conftest import screenshot, seeded_database, start_dashboard

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def broken_app(tmp_path_factory) -> Iterator[tuple[str, str, object]]:
    """The dashboard on a database that lost a table after the server started."""
    folder = tmp_path_factory.mktemp("broken")
    database = seeded_database(folder)
    log = folder / "server.log"
    process, url = start_dashboard(database, log=log)
    yield url, database, log
    process.terminate()
    process.wait(timeout=20)


def test_a_failing_screen_shows_a_reference_and_the_log_has_the_trace(page, broken_app):
    url, database, log = broken_app
    engine = make_engine(database)
    with engine.begin() as connection:  # what a damaged or half-restored database looks like
        connection.execute(sa.text("DROP TABLE centreoccupancy"))
    engine.dispose()
    page.goto(f"{url}/regions")
    message = page.get_by_text("Something went wrong and this screen could not be shown")
    expect(message).to_be_visible(timeout=45_000)
    message.scroll_into_view_if_needed()
    screenshot(page, "error-reference")
    shown = page.inner_text("body")
    reference = re.search(r"error reference ([0-9A-F]{8})", shown)
    assert reference, shown
    for leak in ("Traceback", 'File "', "centreoccupancy", ".py"):
        assert leak not in shown
    logged = log.read_text()
    assert f"Error reference {reference.group(1)}" in logged
    after = logged.split(f"Error reference {reference.group(1)}", 1)[1]
    assert "Traceback" in after and "centreoccupancy" in after
