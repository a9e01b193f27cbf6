"""Every screen opens by its URL, with filters in the URL, under the app's own navigation."""

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import screenshot

pytestmark = pytest.mark.browser

SCREENS = {
    "": "Overview",  # the default page lives at the root
    "milestones": "Activities and milestones",
    "regions": "Regions and centres",
    "reintegration": "Reintegration outcomes",
    "results": "Results framework",
    "budget": "Budget",
}


def wait_for_screen(tab, title: str) -> None:
    """Wait until the page's title is drawn and Streamlit has finished running."""
    tab.get_by_role("heading", name=title, exact=True).wait_for(timeout=45_000)
    tab.wait_for_selector('[data-testid="stStatusWidget"]', state="detached", timeout=45_000)
    tab.wait_for_timeout(1500)  # let charts finish drawing before a screenshot


def test_a_deep_link_on_a_fresh_server_opens_that_screen_with_its_filters(page, dashboard_url):
    # The first request after a start comes before any session has drawn the navigation.
    page.goto(f"{dashboard_url}/regions?region=MA-04&from=2025Q1")
    wait_for_screen(page, "Regions and centres")
    region = page.get_by_role("combobox", name="Region", exact=True)
    assert region.input_value() == "Rabat-Salé-Kénitra"
    assert "region=MA-04" in page.url and "from=2025Q1" in page.url


@pytest.mark.parametrize("path, title", SCREENS.items())
def test_every_screen_opens_by_url_under_the_apps_navigation(browser, dashboard_url, path, title):
    for width, height, suffix in [(1440, 900, ""), (390, 844, "-phone")]:
        context = browser.new_context(viewport={"width": width, "height": height})
        tab = context.new_page()
        tab.goto(f"{dashboard_url}/{path}?from=2025Q1&to=2026Q2&partner=IOM")
        wait_for_screen(tab, title)
        assert tab.get_by_test_id("stException").count() == 0
        assert "partner=IOM" in tab.url
        if not suffix:
            assert tab.get_by_test_id("stSidebarNav").count() == 0  # not Streamlit's own list
            nav = tab.get_by_test_id("stSidebar")
            expect(nav.get_by_role("link", name="Activities and milestones")).to_be_visible(
                timeout=20_000
            )
            expect(nav.get_by_role("link", name="Reintegration outcomes")).to_be_visible(
                timeout=20_000
            )
        screenshot(tab, f"{path or 'overview'}{suffix}")
        context.close()


def test_a_tampered_link_is_ignored_with_a_notice(page, dashboard_url):
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.goto(f"{dashboard_url}/budget?region=%3Cscript%3Ealert(1)%3C/script%3E&to=2099Q9")
    wait_for_screen(page, "Budget")
    expect(page.get_by_text("Unknown region in the link was ignored.")).to_be_visible(
        timeout=20_000
    )
    expect(page.get_by_text("The period in the link was not valid")).to_be_visible(timeout=20_000)
    assert dialogs == []
