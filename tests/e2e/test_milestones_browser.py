"""In a real browser: a phone opens the timeline as a list of named activities, a wide screen
as a chart whose activity names sit on the axis beside the bars."""

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import screenshot
from tests.e2e.test_screens_browser import wait_for_screen

pytestmark = pytest.mark.browser

PHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1"
)
NAME = "A1.1 Train first responders on victim identification"


def test_a_phone_opens_the_timeline_as_a_list_in_french(browser, dashboard_url):
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, user_agent=PHONE, is_mobile=True, has_touch=True
    )
    tab = context.new_page()
    tab.goto(f"{dashboard_url}/milestones?lang=fr")
    wait_for_screen(tab, "Activités et jalons")
    expect(tab.get_by_role("radio", name="Liste")).to_be_checked()
    expect(tab.get_by_text(NAME, exact=True)).to_be_visible()
    # Every status shows whole, the last one too, where a row of chips would cut it off.
    expect(tab.get_by_role("button", name="annulé", exact=True)).to_be_in_viewport(ratio=1)
    screenshot(tab, "milestones-list-fr-phone")
    context.close()


def test_a_wide_screen_opens_the_timeline_as_a_chart_named_on_its_axis(page, dashboard_url):
    page.goto(f"{dashboard_url}/milestones")
    wait_for_screen(page, "Activities and milestones")
    expect(page.get_by_role("radio", name="Chart")).to_be_checked()
    labels = page.locator(".js-plotly-plot .yaxislayer-above .ytick text")
    expect(labels.filter(has_text="A1.1 Train first responders on")).to_have_count(1)
    bars = page.locator(".js-plotly-plot .plot .bars text")
    expect(bars).to_have_count(0)  # nothing written inside the plot over the markers
    screenshot(page, "milestones-chart")
