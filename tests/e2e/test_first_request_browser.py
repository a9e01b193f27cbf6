"""A screen's address as the very first request after a server starts shows nothing early.

Streamlit, seeing a `pages/` folder beside dashboard.py, serves that first request by running the
screen file directly, without dashboard.py (its folder navigation, until the dashboard's own
navigation replaces it for the whole process). The screen must hand over to the dashboard before
drawing anything: signed out, a visitor sees the sign-in screen; in local mode the dashboard's
notice comes before any figure. Each case has a server of its own, so each request is the
first its server receives; the next case's server starts while a case runs.
"""

import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from grantmon.ui.navigation import screens
from tests.e2e.conftest import (
    ROOT,
    configure_sign_in,
    free_port,
    launch_dashboard,
    seeded_database,
    serving,
    shown_with_address,
    wait_healthy,
)
from tests.e2e.test_screens_browser import wait_for_screen

pytestmark = pytest.mark.browser

SCREEN_FILES = sorted(path.stem for path in (ROOT / "pages").glob("*.py"))
TITLES = {screen.name: screen.title for screen in screens()}
# What shows figures or takes input; the sign-in screen has none of these.
DATA = ("stMetric", "stDataFrame", "stTable", "stPlotlyChart", "stForm", "stDownloadButton")
# Notes, in the order they are first drawn, every element with a test id and every title.
RECORD_WHAT_IS_DRAWN = """
window.drawn = [];
new MutationObserver((changes) => {
  for (const change of changes) {
    for (const node of change.addedNodes) {
      if (!(node instanceof Element)) continue;
      for (const el of [node, ...node.querySelectorAll('[data-testid], h1')]) {
        const id = el.getAttribute('data-testid') || el.tagName;
        window.drawn.push([id, (el.textContent || '').slice(0, 80)]);
      }
    }
  }
}).observe(document, {childList: true, subtree: true});
"""


@pytest.fixture(scope="module")
def database_url(tmp_path_factory) -> str:
    """One demo-seeded SQLite database for every server of this module (they only read)."""
    return seeded_database(tmp_path_factory.mktemp("first-request"))


Launch = Callable[[], tuple[subprocess.Popen, str]]


class FreshServers:
    """One new server for each case, the next one started while the current one is in use."""

    def __init__(self, launch: Launch, cases: int) -> None:
        self._launch, self._left = launch, cases
        self._started: list[subprocess.Popen] = []
        self._ahead = self._start()

    def _start(self) -> tuple[subprocess.Popen, str]:
        process, url = self._launch()
        self._started.append(process)
        return process, url

    def take(self) -> str:
        """A server no browser has asked anything yet; its URL. The one taken before ends."""
        if len(self._started) > 1:
            self._started[-2].terminate()
        process, url = self._ahead
        wait_healthy(url, process)
        self._left -= 1
        if self._left > 0:
            self._ahead = self._start()
        return url

    def stop_all(self) -> None:
        """End every server started here."""
        for process in self._started:
            process.terminate()
        for process in self._started:
            process.wait(timeout=30)


@pytest.fixture(scope="module")
def signed_out_servers(provider, database_url, tmp_path_factory) -> Iterator[FreshServers]:
    """Servers with sign-in configured, each in its own folder (its port is in its settings)."""

    def launch() -> tuple[subprocess.Popen, str]:
        folder, port = tmp_path_factory.mktemp("auth"), free_port()
        configure_sign_in(folder, port, provider)
        return launch_dashboard(database_url, cwd=folder, port=port, preload=True)

    servers = FreshServers(launch, len(SCREEN_FILES))
    yield servers
    servers.stop_all()


@pytest.fixture(scope="module")
def local_servers(database_url) -> Iterator[FreshServers]:
    """Servers in local mode (no sign-in, on 127.0.0.1)."""
    servers = FreshServers(lambda: launch_dashboard(database_url, preload=True), len(SCREEN_FILES))
    yield servers
    servers.stop_all()


def first_request(browser, url: str, wait_for: str) -> tuple[Any, list[tuple[str, str]]]:
    """Open `url` in a new browser, wait for `wait_for` (a selector); the tab and what it drew."""
    context = browser.new_context(viewport={"width": 1440, "height": 900})
    context.add_init_script(RECORD_WHAT_IS_DRAWN)
    tab = context.new_page()
    tab.goto(url)
    tab.wait_for_selector(wait_for, timeout=45_000)
    tab.wait_for_selector('[data-testid="stStatusWidget"]', state="detached", timeout=45_000)
    return tab, [tuple(item) for item in tab.evaluate("window.drawn")]


@pytest.mark.parametrize("screen", SCREEN_FILES)
def test_signed_out_a_first_request_to_a_screen_shows_only_the_sign_in(
    browser, signed_out_servers, screen
):
    url = signed_out_servers.take()
    tab, drawn = first_request(browser, f"{url}/{screen}", "h1")  # the sign-in screen's, or not
    kinds = {kind for kind, _ in drawn}
    assert not kinds & {*DATA, "stException"}, drawn
    assert TITLES[screen] not in {text for kind, text in drawn if kind == "H1"}
    assert tab.get_by_test_id("stSidebar").get_by_test_id("stPageLink").count() == 0
    expect(tab.get_by_role("button", name="Sign in")).to_be_visible()
    tab.context.close()


@pytest.mark.parametrize("screen", SCREEN_FILES)
def test_in_local_mode_a_first_request_draws_the_dashboard_before_the_screen(
    browser, local_servers, screen
):
    url = local_servers.take()
    tab, drawn = first_request(browser, f"{url}/{screen}", f"h1:has-text('{TITLES[screen]}')")
    assert "stException" not in {kind for kind, _ in drawn}
    notices = [i for i, (kind, text) in enumerate(drawn) if "Local mode" in text]
    assert notices, "the dashboard's local-mode notice was never drawn"
    notice = notices[0]
    title = next(i for i, (kind, text) in enumerate(drawn) if kind == "H1")
    data = [i for i, (kind, _) in enumerate(drawn) if kind in DATA]
    assert notice < title and all(notice < i for i in data), drawn[: title + 1]
    # A busy machine may still be drawing a rerun (the filters settle the link's query).
    sidebar = tab.get_by_test_id("stSidebar")
    expect(sidebar.get_by_text("View as (local mode)")).to_be_visible(timeout=30_000)
    expect(tab.locator("h1", has_text=TITLES[screen])).to_have_count(1)  # drawn once, not twice
    tab.context.close()


def sign_in(tab, app_url: str, email: str) -> None:
    """Sign in at the mock provider as this person."""
    tab.goto(app_url)
    tab.get_by_role("button", name="Sign in").click()
    tab.locator('input[name="sub"]').first.fill(email)
    tab.get_by_role("button", name="Authorize").click()


def test_after_a_restart_a_signed_in_donor_first_request_to_the_users_screen_is_refused(
    browser, provider, database_url, tmp_path
):
    # The sign-in cookie outlives the server: its next request is the first of a new server.
    port = free_port()
    configure_sign_in(tmp_path, port, provider)
    context = browser.new_context(viewport={"width": 1440, "height": 900})
    tab = context.new_page()
    with serving(database_url, cwd=tmp_path, port=port) as url:
        sign_in(tab, url, "donor@example.org")
        wait_for_screen(tab, "Overview")
    with serving(database_url, cwd=tmp_path, port=port) as url:
        tab.goto(f"{url}/users_admin")
        expect(tab.get_by_text("Not allowed")).to_be_visible(timeout=45_000)
        expect(
            tab.get_by_text(shown_with_address("Signed in as donor@example.org (donor)"))
        ).to_be_visible()
        assert tab.get_by_test_id("stDataFrame").count() == 0
    context.close()


def test_every_screen_file_is_a_screen_of_the_navigation():
    assert set(SCREEN_FILES) == set(TITLES) and Path(ROOT / "dashboard.py").exists()
