"""In a real browser: the sidebar switch turns the screen French, a lang=fr link opens in French,
and a browser set to French is greeted in French."""

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import screenshot, settle
from tests.e2e.test_screens_browser import wait_for_screen

pytestmark = pytest.mark.browser


def test_the_sidebar_switch_turns_the_dashboard_french(page, dashboard_url):
    page.goto(dashboard_url)
    wait_for_screen(page, "Overview")
    sidebar = page.get_by_test_id("stSidebar")
    sidebar.get_by_role("radio", name="Français").click()
    wait_for_screen(page, "Vue d'ensemble")
    assert "lang=fr" in page.url
    expect(page.get_by_role("heading", name="Alertes")).to_be_visible(timeout=20_000)
    expect(sidebar.get_by_role("link", name="Cadre de résultats")).to_be_visible()
    sidebar.get_by_role("link", name="Budget").click()  # the next screen follows at once
    settle(page)
    expect(page.get_by_role("heading", name="Lignes budgétaires hors plan")).to_be_visible(
        timeout=30_000
    )
    assert "lang=fr" in page.url
    chart = page.locator(".js-plotly-plot").first
    chart.hover()  # plotly.js's own toolbar speaks French too
    titles = page.eval_on_selector_all(".modebar-btn", "els => els.map(e => e.dataset.title)")
    assert "Télécharger le graphique en PNG" in titles and "Reset axes" not in titles
    screenshot(page, "language-switch-budget-fr")


def test_a_lang_link_opens_in_french(browser, dashboard_url):
    context = browser.new_context(viewport={"width": 390, "height": 844})  # a phone, in English
    tab = context.new_page()
    tab.goto(f"{dashboard_url}/results?lang=fr&from=2025Q1")
    wait_for_screen(tab, "Cadre de résultats")
    assert tab.get_by_test_id("stException").count() == 0
    assert "lang=fr" in tab.url and "from=2025Q1" in tab.url
    screenshot(tab, "results-fr-phone")
    context.close()


def test_a_browser_set_to_french_is_greeted_in_french(browser, dashboard_url):
    context = browser.new_context(locale="fr-FR", viewport={"width": 1440, "height": 900})
    tab = context.new_page()
    tab.goto(dashboard_url)
    wait_for_screen(tab, "Vue d'ensemble")
    assert "lang=fr" in tab.url
    context.close()
