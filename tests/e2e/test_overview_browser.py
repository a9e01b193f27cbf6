"""In a real browser, the Overview shows the award amount and its source."""

import pytest

from tests.e2e.conftest import screenshot
from tests.e2e.test_screens_browser import wait_for_screen

pytestmark = pytest.mark.browser


def test_overview_shows_amount_and_source_in_chromium(page, dashboard_url):
    page.goto(dashboard_url)
    wait_for_screen(page, "Overview")
    assert page.get_by_text("DEMO DATA").first.is_visible()
    page.get_by_text("The award: facts, partners and sources").click()
    page.get_by_text("US$2,500,000").wait_for(timeout=30_000)
    assert page.get_by_text("Source: US Embassy Rabat and press coverage").first.is_visible()
    screenshot(page, "overview-award-facts")
