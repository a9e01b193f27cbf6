"""In Chromium, a programme manager completes a late milestone and the Overview shows it."""

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import click_until_shown, screenshot, settle
from tests.e2e.test_screens_browser import wait_for_screen

pytestmark = pytest.mark.browser


def choose(tab, label: str, option: str) -> None:
    """Pick an option in the Streamlit selectbox with this label."""
    box = tab.get_by_role("combobox", name=label, exact=True)
    choice = tab.get_by_role("option").filter(has_text=option).first
    for attempt in range(3):
        try:
            click_until_shown(tab, box, choice, typed=option)
            choice.click(timeout=5_000)
            break
        except Exception:  # the list was redrawn under the click by a rerun still going
            if attempt == 2:
                raise
            tab.keyboard.press("Escape")
            settle(tab)
    # A choice that changes the menu redraws the sidebar: until that rerun ends, the old box
    # is still on the page beside the new one.
    settle(tab)
    expect(box).to_have_count(1, timeout=30_000)
    expect(box).to_have_value(re.compile(re.escape(option)))


def late_count(tab) -> int:
    """The 'Milestones late' KPI on the Overview."""
    card = tab.get_by_test_id("stMetric").filter(has_text="Milestones late")
    return int(card.get_by_test_id("stMetricValue").inner_text())


def complete_milestone(tab, code: str) -> None:
    """On the Update milestones screen, mark a milestone completed today and save it."""
    tab.get_by_test_id("stSidebar").get_by_role("link", name="Update milestones").click()
    wait_for_screen(tab, "Update milestones")
    choose(tab, "Milestone", code)
    choose(tab, "Status", "completed")
    slider = tab.get_by_test_id("stSlider").filter(has_text="Percent complete")
    slider.get_by_role("slider").press("End")
    date_box = tab.get_by_test_id("stDateInput").filter(has_text="Actual completion date")
    date_box.get_by_role("spinbutton").first.click()
    tab.keyboard.type("20112026")
    tab.keyboard.press("Escape")
    screenshot(tab, "update-before-save")
    tab.get_by_test_id("stFormSubmitButton").get_by_role("button").click()
    tab.get_by_text(f"Saved {code}").wait_for(timeout=30_000)


def test_a_manager_completes_a_late_milestone_and_the_overview_counts_it(page, dashboard_url):
    page.goto(dashboard_url)
    wait_for_screen(page, "Overview")
    choose(page, "View as (local mode)", "Demo IOM programme manager")
    wait_for_screen(page, "Overview")
    screenshot(page, "view-as-manager")
    late_before = late_count(page)
    complete_milestone(page, "A1.3-M1")
    screenshot(page, "update-milestones")
    page.get_by_test_id("stSidebar").get_by_role("link", name="Overview").click()
    wait_for_screen(page, "Overview")
    assert late_count(page) == late_before - 1
