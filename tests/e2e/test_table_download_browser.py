"""In a real browser, a screen table's own "Download as CSV" writes typed text formula-safe."""

import csv
import io
from collections.abc import Iterator

import pytest

from data_model.db import make_engine
from tests.e2e.conftest import seeded_database, serving
from tests.e2e.test_download_browser import downloaded
from tests.e2e.test_screens_browser import wait_for_screen
from tests.pages.test_milestones import history_of_most_late

pytestmark = pytest.mark.browser

FORMULA = "=cmd|' /C calc'!A0"
# The toolbar saves through the browser's save dialog when it has one; headless, nobody answers
# it. Without the dialog the table is saved as an ordinary download, with the same content.
NO_SAVE_DIALOG = "window.showSaveFilePicker = async () => { throw new Error('no dialog'); };"


@pytest.fixture(scope="module")
def formula_reason_url(tmp_path_factory) -> Iterator[str]:
    """The dashboard, the milestone it opens on updated once with a formula as its reason."""
    url = seeded_database(tmp_path_factory.mktemp("formula"))
    engine = make_engine(url)
    history_of_most_late(engine, FORMULA)
    engine.dispose()
    with serving(url) as served:
        yield served


def test_the_history_table_downloads_with_the_formula_as_text(page, formula_reason_url):
    page.add_init_script(NO_SAVE_DIALOG)
    page.goto(f"{formula_reason_url}/milestones")
    wait_for_screen(page, "Activities and milestones")
    history = page.get_by_test_id("stDataFrame").last  # the milestone's history of updates
    history.scroll_into_view_if_needed()
    history.hover()
    with page.expect_download(timeout=60_000) as info:
        history.get_by_role("button", name="Download as CSV").click()
    rows = list(csv.reader(io.StringIO(downloaded(info).decode("utf-8-sig"))))
    reasons = [row[rows[0].index("Reason")] for row in rows[1:]]
    assert reasons == ["'" + FORMULA]
