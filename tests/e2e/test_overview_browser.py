"""In a real browser, the Overview's header states what the grant is worth, when and with whom."""

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import screenshot
from tests.e2e.test_screens_browser import wait_for_screen

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("width, height", [(1440, 900), (390, 844)])
def test_the_header_shows_amount_period_and_partners_without_opening_anything(
    browser, dashboard_url, width, height
):
    context = browser.new_context(viewport={"width": width, "height": height})
    tab = context.new_page()
    tab.goto(dashboard_url)
    wait_for_screen(tab, "Overview")
    main = tab.get_by_test_id("stMain")
    # The verdict first, then what the grant is (local mode reads as the administrator).
    expect(main.get_by_text("▼ Behind", exact=True)).to_be_visible(timeout=20_000)
    for text in ("US$2,500,000", "1 Jan 2024 – 31 Dec 2026", "Award period (assumed)"):
        expect(main.get_by_text(text, exact=True)).to_be_visible(timeout=20_000)
    expect(main.get_by_text("IOM (recipient) · UNODC · ILO")).to_be_visible()
    screenshot(tab, f"overview-header-{width}")
    main.get_by_text("The award: sources, partners' shares and context").click()
    expect(main.get_by_text("Source: US Embassy Rabat and press coverage").first).to_be_visible(
        timeout=20_000
    )
    context.close()
