"""At 1440 px every table shows all its columns, and drawing tables logs no conversion error."""

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.e2e.conftest import seeded_database, start_dashboard, stop
from tests.e2e.test_screens_browser import wait_for_screen

pytestmark = pytest.mark.browser

SCREENS = {
    "results": "Results framework",
    "regions": "Regions and centres",
    "milestones": "Activities and milestones",
}
# The grid draws on a canvas; its scrolling box says whether columns or rows run past the edge.
# A table in a folded section is not drawn until it is opened.
TABLE_BOXES = """() => [...document.querySelectorAll('[data-testid="stDataFrame"] .dvn-scroller')]
    .map(box => ({
        wide: box.scrollWidth - box.clientWidth,
        tall: box.scrollHeight - box.clientHeight,
    }))
"""


@pytest.fixture(scope="module")
def served(tmp_path_factory) -> Iterator[tuple[str, Path]]:
    """One dashboard for every case, its output kept in a log file."""
    folder = tmp_path_factory.mktemp("tables")
    log = folder / "server.log"
    process, url = start_dashboard(seeded_database(folder), log=log)
    try:
        yield url, log
    finally:
        stop(process)


def table_boxes(page, url: str, path: str) -> list[dict]:
    """How far each table of the screen runs past its box, across and down (px)."""
    page.goto(f"{url}/{path}")
    wait_for_screen(page, SCREENS[path])
    page.get_by_test_id("stDataFrame").first.wait_for(timeout=30_000)
    return page.evaluate(TABLE_BOXES)


@pytest.mark.parametrize("path", SCREENS)
def test_every_column_of_every_table_is_in_view_at_1440_px(page, served, path):
    url, _ = served
    boxes = table_boxes(page, url, path)
    assert boxes, "the screen shows tables"
    assert [box["wide"] for box in boxes] == [0] * len(boxes)


def test_all_milestones_are_listed_without_a_scroll_inside_the_table(page, served):
    url, _ = served
    every_milestone = table_boxes(page, url, "milestones")[1]
    assert every_milestone["tall"] == 0


def test_the_briefing_screen_draws_its_table_without_an_error_in_the_log(page, served):
    url, log = served
    page.goto(f"{url}/briefing")
    wait_for_screen(page, "Briefing pack and exports")
    page.get_by_test_id("stDataFrame").first.wait_for(timeout=30_000)
    text = log.read_text()
    assert "Traceback" not in text and "ArrowInvalid" not in text
