"""What a person waits for, in a real headless Chromium driven by Playwright.

A screen is "drawn" when Streamlit's script has finished (`data-test-script-state` on the
app's root is `notRunning`), no skeleton, status widget or stale element is left, the screen's
heading is shown, and every Plotly chart element has drawn its SVG (`.js-plotly-plot
.main-svg`). What a screen shows (its heading and number of charts) is learnt from one load
before timing, which also fills the server's caches: timed loads are those of a warm server.

- page load: navigation start to drawn, in a new browser context each time (nothing cached in
  the browser), median of N; beside the same for an empty app and a one-chart app;
- sidebar switch: click on a screen's menu link to the new screen drawn, in one tab, going
  down the menu N times; the floor is the same between the two pages of an empty app;
- cold first visit: the first load after the server process starts and answers its health
  check, for the dashboard and the empty app.
The servers run side by side and the loads alternate between them, so that the machine's
speed moving hits all alike.
"""

import os
import statistics
from collections.abc import Iterator
from contextlib import AbstractContextManager, ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from grantmon.cli.bench_servers import (
    CHROMIUM_ARGS,
    chromium_path,
    prepare_folder,
    serving,
)

TARGETS = {"load_ratio": 1.2, "switch_ms": 300.0, "cold_ratio": 2.0}
COLD_STARTS = 3
TIMEOUT_MS = int(os.environ.get("GRANTMON_BENCH_TIMEOUT_MS", "180000"))
VIEWPORT = {"width": 1440, "height": 900}

# What shows that Streamlit is still at work: placeholders, its status widget, stale elements.
BUSY = (
    '[data-testid="stSkeleton"], [data-testid="stAppSkeleton"], '
    '[data-testid="stStatusWidget"], [data-stale="true"]'
)

DRAWN = """([heading, charts]) => {
  const app = document.querySelector('[data-testid="stApp"]');
  if (!app || app.getAttribute('data-test-script-state') !== 'notRunning') return false;
  if (document.querySelector(BUSY)) return false;
  const title = document.querySelector('h1');
  if (heading !== null && (!title || title.textContent.trim() !== heading)) return false;
  // After a click: a run seen, or the new heading (React may draw a short run in one go).
  const moved = window.__benchSawRun || title?.textContent.trim() !== window.__benchFrom;
  if (window.__benchClick !== undefined && !moved) return false;
  const shown = [...document.querySelectorAll('[data-testid="stPlotlyChart"]')];
  if (shown.length < charts) return false;
  if (shown.some(chart => !chart.querySelector('.js-plotly-plot .main-svg'))) return false;
  window.__benchDone = performance.now();
  return true;
}""".replace("BUSY", repr(BUSY))

# Watches the script state from the click on: the old screen is "drawn" until the new one runs.
CLICK = """(href) => {
  const app = document.querySelector('[data-testid="stApp"]');
  if (window.__benchWatch) window.__benchWatch.disconnect();
  window.__benchSawRun = false;
  window.__benchWatch = new MutationObserver(() => {
    if (app.getAttribute('data-test-script-state') !== 'notRunning') window.__benchSawRun = true;
  });
  window.__benchWatch.observe(app, {attributes: true, attributeFilter: ['data-test-script-state']});
  const link = [...document.querySelectorAll('[data-testid="stSidebar"] a')]
    .find(a => a.getAttribute('href') === href);
  if (!link) throw new Error('no menu link to ' + href);
  window.__benchFrom = document.querySelector('h1')?.textContent.trim();
  window.__benchClick = performance.now();
  link.click();
}"""

STATE = """() => ({
  url: location.href,
  state: document.querySelector('[data-testid="stApp"]')?.getAttribute('data-test-script-state'),
  sawRun: window.__benchSawRun,
  heading: document.querySelector('h1')?.textContent,
  charts: document.querySelectorAll('[data-testid="stPlotlyChart"]').length,
  drawn: document.querySelectorAll('.js-plotly-plot .main-svg').length,
  busy: [...document.querySelectorAll(BUSY)].map(e => e.getAttribute('data-testid') || 'stale'),
})""".replace("BUSY", repr(BUSY))

LOOK = """() => [
  (document.querySelector('h1') || {textContent: null}).textContent?.trim() ?? null,
  document.querySelectorAll('[data-testid="stPlotlyChart"]').length,
  document.querySelectorAll('[data-testid="stException"]').length,
]"""


@dataclass(frozen=True)
class Target:
    """One page to load: its address and what it shows once drawn."""

    name: str
    url: str
    href: str  # its menu link's href ("" for an app's default page)
    heading: str | None = None
    charts: int = 0


def _new_tab(browser: Any) -> tuple[Any, Any]:
    context = browser.new_context(viewport=VIEWPORT)
    return context, context.new_page()


def _wait_drawn(tab: Any, target: Target) -> float:
    """Wait until the target is drawn; the page's clock then (ms since navigation start)."""
    from playwright.sync_api import TimeoutError as Timeout

    try:
        tab.wait_for_function(
            DRAWN, arg=[target.heading, target.charts], polling="raf", timeout=TIMEOUT_MS
        )
    except Timeout as timeout:
        seen = tab.evaluate(STATE)
        raise RuntimeError(f"{target.name} was not drawn in time; the page: {seen}") from timeout
    return float(tab.evaluate("window.__benchDone"))


def learn(browser: Any, target: Target) -> Target:
    """Load once, wait until nothing moves any more, and note the heading and the charts."""
    context, tab = _new_tab(browser)
    try:
        tab.goto(target.url)
        _wait_drawn(tab, target)
        tab.wait_for_timeout(2500)  # a rerun the page asks for, or a late chart
        _wait_drawn(tab, target)
        heading, charts, failures = tab.evaluate(LOOK)
    finally:
        context.close()
    if failures:
        raise RuntimeError(f"{target.name} shows an error")
    return Target(target.name, target.url, target.href, heading, charts)


def load_ms(browser: Any, target: Target) -> float:
    """Navigation start to the target drawn, in a new browser context."""
    context, tab = _new_tab(browser)
    try:
        tab.goto(target.url, wait_until="commit")
        return round(_wait_drawn(tab, target), 1)
    finally:
        context.close()


def switch_ms(tab: Any, target: Target) -> float:
    """Click the target's menu link; milliseconds until it is drawn."""
    tab.evaluate(CLICK, target.href)
    done = _wait_drawn(tab, target)
    return round(done - float(tab.evaluate("window.__benchClick")), 1)


def switches(browser: Any, targets: list[Target], runs: int) -> dict[str, list[float]]:
    """Go down the menu `runs` times in one tab, from the first page; each switch's time."""
    times: dict[str, list[float]] = {t.name: [] for t in targets}
    context, tab = _new_tab(browser)
    try:
        tab.goto(targets[0].url)
        _wait_drawn(tab, targets[0])
        for _ in range(runs):
            for target in [*targets[1:], targets[0]]:
                times[target.name].append(switch_ms(tab, target))
    finally:
        context.close()
    return times


@dataclass(frozen=True)
class Apps:
    """The apps' scripts, the folder they run from, and the database the dashboard reads."""

    scripts: dict[str, Path]
    folder: Path
    database_url: str

    def serve(self, name: str) -> AbstractContextManager[str]:
        """Serve one app until the block ends; its URL."""
        return serving(self.scripts[name], self.folder, self.database_url)


def cold_ms(browser: Any, apps: Apps, name: str, target: Target) -> float:
    """Start a new server; once it answers its health check, time the first load."""
    with apps.serve(name) as url:
        return load_ms(browser, Target(target.name, url + "/", "", target.heading, target.charts))


@contextmanager
def chromium() -> Iterator[Any]:
    """Headless Chromium from the system's package, driven by Playwright."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


def _median(values: list[float]) -> float:
    return round(statistics.median(values), 1)


def _dashboard_targets(browser: Any, url: str, only: list[str] | None) -> list[Target]:
    """The menu's screens in order (the first, at the app's root, always), or those named."""
    menu = [("" if i == 0 else name, name) for i, name in enumerate(_menu(browser, url))]
    chosen = [(href, name) for href, name in menu if not href or only is None or name in only]
    return [Target(name, f"{url}/{href}", href) for href, name in chosen]


def _menu(browser: Any, url: str) -> list[str]:
    """The screens the sidebar links to, in order, as the page shows them (the command line
    does not import the user interface); the first, at the root, is named by its link text."""
    context, tab = _new_tab(browser)
    try:
        tab.goto(url + "/")
        links = tab.locator('[data-testid="stSidebar"] a[href]')
        links.first.wait_for(timeout=TIMEOUT_MS)
        found = [(link.get_attribute("href"), link.inner_text()) for link in links.all()]
    finally:
        context.close()
    # A link's text starts with its icon's name: the label is its last line.
    names = [urlparse(h or "").path.strip("/") or t.split("\n")[-1].casefold() for h, t in found]
    return list(dict.fromkeys(names))


def _tiny_targets(url: dict[str, str]) -> list[Target]:
    """The empty app, the one-chart app and the two pages of the two-page app."""
    return [
        Target("empty", url["empty"] + "/", ""),
        Target("one_chart", url["one_chart"] + "/", ""),
        Target("first", url["two_pages"] + "/", ""),
        Target("second", url["two_pages"] + "/second", "second"),
    ]


Times = dict[str, dict[str, list[float]]]


def _warm(
    browser: Any, apps: Apps, runs: int, only: list[str] | None
) -> tuple[list[Target], Target, Times]:
    """With every server up: the screens, the empty app, and loads and switches timed."""
    with ExitStack() as servers:
        url = {
            name: servers.enter_context(apps.serve(name))
            for name in ("dashboard", "empty", "one_chart", "two_pages")
        }
        screens = [learn(browser, t) for t in _dashboard_targets(browser, url["dashboard"], only)]
        empty, one_chart, first, second = (learn(browser, t) for t in _tiny_targets(url))
        return (
            screens,
            empty,
            {
                "loads": _alternating_loads(browser, [*screens, empty, one_chart], runs),
                "switches": switches(browser, screens, runs),
                "floor": switches(browser, [first, second], runs),
            },
        )


Loads = dict[str, list[float]]  # milliseconds by screen or app


def _cold(browser: Any, apps: Apps, first: dict[str, Target], starts: int) -> Loads:
    """The first load after each of `starts` server starts, alternating between the apps."""
    cold: Loads = {name: [] for name in first}
    for _ in range(starts):
        for name, target in first.items():
            cold[name].append(cold_ms(browser, apps, name, target))
    return cold


def run_browser_bench(
    database_url: str, folder: Path, runs: int = 5, only: list[str] | None = None
) -> dict[str, Any]:
    """Every measurement of the browser part, as plain data: of every screen, or of the first
    and those named in `only`."""
    apps = Apps(prepare_folder(folder), folder, database_url)
    with chromium() as browser:
        screens, empty, times = _warm(browser, apps, runs, only)
        # With the other servers stopped, so that only the one starting uses the machine.
        first = {"dashboard": screens[0], "empty": empty}
        cold = _cold(browser, apps, first, min(runs, COLD_STARTS))
        version = browser.version
    return _result(version, runs, screens, times | {"cold": cold})


def _result(version: str, runs: int, screens: list[Target], times: Times) -> dict[str, Any]:
    loads, switched, floor, cold = (times[k] for k in ("loads", "switches", "floor", "cold"))
    return {
        "chromium": version,
        "runs": runs,
        "screens": [_screen_figures(s, loads, switched) for s in screens],
        "empty_load_ms": _median(loads["empty"]),
        "one_chart_load_ms": _median(loads["one_chart"]),
        "switch_median_ms": _median([ms for times in switched.values() for ms in times]),
        "switch_floor_ms": _median([ms for times in floor.values() for ms in times]),
        "cold_dashboard_ms": _median(cold["dashboard"]),
        "cold_empty_ms": _median(cold["empty"]),
        "cold_ratio": round(_median(cold["dashboard"]) / _median(cold["empty"]), 2),
        "cold_loads_ms": cold,
        "targets": TARGETS,
    }


def _alternating_loads(browser: Any, targets: list[Target], runs: int) -> dict[str, list[float]]:
    """Each target loaded `runs` times, one round over all of them after another."""
    times: dict[str, list[float]] = {t.name: [] for t in targets}
    for _ in range(runs):
        for target in targets:
            times[target.name].append(load_ms(browser, target))
    return times


def _screen_figures(
    screen: Target, loads: dict[str, list[float]], switched: dict[str, list[float]]
) -> dict[str, Any]:
    load, switch = _median(loads[screen.name]), _median(switched[screen.name])
    ratio = round(load / _median(loads["one_chart"]), 2)
    missed = [
        *(["page load ratio"] if ratio >= TARGETS["load_ratio"] else []),
        *(["sidebar switch"] if switch >= TARGETS["switch_ms"] else []),
    ]
    return {
        "screen": screen.name,
        "charts": screen.charts,
        "load_ms": load,
        "load_ratio": ratio,
        "switch_ms": switch,
        "loads_ms": loads[screen.name],
        "switches_ms": switched[screen.name],
        "missed": missed,
    }


def browser_lines(result: dict[str, Any]) -> list[str]:
    """The browser figures as lines of the bench's plain-text table."""
    lines = [
        f"browser: headless Chromium {result['chromium']}, median of {result['runs']} loads "
        "(each in a new browser context) and switches",
        f"{'screen':<22}{'charts':>7}{'load ms':>9}{'/ one-chart':>12}{'switch ms':>11}"
        "  missed targets",
    ]
    for s in result["screens"]:
        lines.append(
            f"{s['screen']:<22}{s['charts']:>7}{s['load_ms']:>9.0f}{s['load_ratio']:>12.2f}"
            f"{s['switch_ms']:>11.0f}  " + (", ".join(s["missed"]) or "none")
        )
    one = result["one_chart_load_ms"]
    lines.append(
        f"{'empty app':<22}{0:>7}{result['empty_load_ms']:>9.0f}"
        f"{result['empty_load_ms'] / one:>12.2f}"
    )
    lines.append(f"{'one-chart app':<22}{1:>7}{one:>9.0f}{1:>12.2f}")
    lines.append(
        f"sidebar switch: median {result['switch_median_ms']:.0f} ms over every screen; "
        f"floor (two-page empty app) {result['switch_floor_ms']:.0f} ms; "
        f"target < {TARGETS['switch_ms']:.0f} ms"
    )
    cold_missed = result["cold_ratio"] >= TARGETS["cold_ratio"]
    lines.append(
        f"cold first visit (first load after the server starts): dashboard "
        f"{result['cold_dashboard_ms']:.0f} ms, empty app {result['cold_empty_ms']:.0f} ms, "
        f"ratio {result['cold_ratio']:.2f} (target < {TARGETS['cold_ratio']:.0f}x)"
        + (": missed" if cold_missed else "")
    )
    return lines
