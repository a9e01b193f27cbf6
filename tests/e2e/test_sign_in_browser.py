"""Sign-in through a real OpenID Connect provider, in Chromium: who sees what."""

from collections.abc import Iterator

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import screenshot, seeded_database, serving_with_sign_in
from tests.e2e.test_screens_browser import wait_for_screen

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def signed_app(provider, tmp_path_factory) -> Iterator[str]:
    """The dashboard with [auth] configured for that provider."""
    folder = tmp_path_factory.mktemp("auth")
    with serving_with_sign_in(seeded_database(folder), folder, provider) as url:
        yield url


def sign_in(tab, app_url: str, email: str) -> None:
    """Sign in at the provider as this email (the mock puts it in the email claim)."""
    tab.goto(app_url)
    tab.get_by_role("button", name="Sign in").click()
    tab.locator('input[name="sub"]').first.fill(email)
    tab.get_by_role("button", name="Authorize").click()


def test_a_donor_signs_in_sees_figures_but_no_entry_screens_and_signs_out(browser, signed_app):
    tab = browser.new_context().new_page()
    sign_in(tab, signed_app, "donor@example.org")
    wait_for_screen(tab, "Overview")
    sidebar = tab.get_by_test_id("stSidebar")
    expect(sidebar.get_by_text("Signed in as donor@example.org (donor)")).to_be_visible(
        timeout=20_000
    )
    expect(sidebar.get_by_role("link", name="Budget")).to_be_visible(timeout=20_000)
    assert sidebar.get_by_role("link", name="Update milestones").count() == 0
    expect(tab.get_by_test_id("stMetric").filter(has_text="Victims assisted")).to_be_visible(
        timeout=20_000
    )
    screenshot(tab, "signed-in-donor")
    tab.goto(f"{signed_app}/update_milestones")
    tab.get_by_text("Not allowed").wait_for(timeout=30_000)
    assert tab.get_by_test_id("stForm").count() == 0
    sidebar.get_by_role("button", name="Sign out").click()
    tab.get_by_role("button", name="End session").click()  # the provider's own logout page
    tab.get_by_role("button", name="Sign in").wait_for(timeout=30_000)
    assert tab.get_by_test_id("stMetric").count() == 0


def test_a_manager_gets_the_entry_screens(browser, signed_app):
    tab = browser.new_context().new_page()
    sign_in(tab, signed_app, "manager.iom@example.org")
    wait_for_screen(tab, "Overview")
    tab.get_by_test_id("stSidebar").get_by_role("link", name="Update milestones").click()
    wait_for_screen(tab, "Update milestones")
    assert tab.get_by_test_id("stForm").count() == 1


def test_an_unknown_email_sees_no_data(browser, signed_app):
    tab = browser.new_context().new_page()
    sign_in(tab, signed_app, "stranger@example.net")
    tab.get_by_text("No access yet").wait_for(timeout=30_000)
    assert tab.get_by_test_id("stMetric").count() == 0
    assert tab.get_by_test_id("stDataFrame").count() == 0


def test_a_forged_session_cookie_leads_back_to_sign_in(browser, signed_app):
    context = browser.new_context()
    context.add_cookies([{"name": "_streamlit_user", "value": "forged", "url": signed_app}])
    tab = context.new_page()
    tab.goto(signed_app)
    tab.get_by_role("button", name="Sign in").wait_for(timeout=30_000)
    assert tab.get_by_test_id("stMetric").count() == 0
