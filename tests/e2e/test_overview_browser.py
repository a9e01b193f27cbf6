"""In a real browser, the Overview shows the award amount and its source."""

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import screenshot
from tests.e2e.test_screens_browser import wait_for_screen

pytestmark = pytest.mark.browser


def test_overview_shows_amount_and_source_in_chromium(page, dashboard_url):
    page.goto(dashboard_url)
    wait_for_screen(page, "Overview")
    expect(page.get_by_text("DEMO DATA").first).to_be_visible(timeout=20_000)
    page.get_by_text("The award: facts, partners and sources").click()
    page.get_by_text("US$2,500,000").wait_for(timeout=30_000)
    expect(page.get_by_text("Source: US Embassy Rabat and press coverage").first).to_be_visible(
        timeout=20_000
    )
    screenshot(page, "overview-award-facts")
