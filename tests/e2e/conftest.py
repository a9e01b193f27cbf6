"""A real `streamlit run dashboard.py` on a free port, and a real headless Chromium."""

import contextlib
import os
import re
import secrets
import shutil
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from data_model.db import make_engine, upgrade
from grantmon.cli.bench_servers import CHROMIUM_ARGS, free_port
from seed.run import seed_database
from tests.conftest import skip_or_fail

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "artifacts" / "screenshots"


def wait_healthy(url: str, process: subprocess.Popen, seconds: float = 60) -> None:
    """Wait until Streamlit answers its health check."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(
                f"streamlit exited: {process.stdout.read() if process.stdout else ''}"
            )
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2):
                return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError("streamlit did not become healthy")


# `streamlit run` with the heavy libraries imported before the server starts, not on its first
# request: the same server, started ahead of its use while another test runs.
PRELOADED_STREAMLIT = [
    "-c",
    "import sys, numpy, pandas, pyarrow, plotly.graph_objects, sqlmodel, pydantic_settings;"
    "from streamlit.web.cli import main; sys.exit(main())",
]


def launch_dashboard(
    database_url: str,
    cwd: Path = ROOT,
    port: int | None = None,
    preload: bool = False,
    log: Path | None = None,
) -> tuple[subprocess.Popen, str]:
    """Start the dashboard's server as `grantmon run` does (secrets are read from cwd), its
    output going to `log` when given, without waiting for it."""
    port = port or free_port()
    command = [
        sys.executable,
        *(PRELOADED_STREAMLIT if preload else ["-m", "streamlit"]),
        "run",
        str(ROOT / "grantmon" / "server" / "app.py"),
        "--server.port",
        str(port),
        "--server.address",
        "127.0.0.1",
        "--server.headless",
        "true",
    ]
    process = subprocess.Popen(
        command,
        cwd=cwd,
        env={**os.environ, "DATABASE_URL": database_url},
        stdout=log.open("w") if log else subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    return process, f"http://localhost:{port}"


def start_dashboard(
    database_url: str, cwd: Path = ROOT, port: int | None = None, log: Path | None = None
):
    """Start the dashboard's server and wait until it answers; return process and URL."""
    process, url = launch_dashboard(database_url, cwd, port, log=log)
    wait_healthy(url, process)
    return process, url


def stop(process: subprocess.Popen) -> None:
    """End a server this test started."""
    process.terminate()
    process.wait(timeout=20)


@contextlib.contextmanager
def serving(database_url: str, cwd: Path = ROOT, port: int | None = None) -> Iterator[str]:
    """A dashboard server for the block; its URL."""
    process, url = start_dashboard(database_url, cwd=cwd, port=port)
    try:
        yield url
    finally:
        stop(process)


def configure_sign_in(folder: Path, port: int, provider: str) -> None:
    """Settings in `folder` for a server on `port` with [auth] for an OpenID Connect provider."""
    (folder / ".streamlit").mkdir(exist_ok=True)
    shutil.copy(ROOT / ".streamlit" / "config.toml", folder / ".streamlit" / "config.toml")
    (folder / ".streamlit" / "secrets.toml").write_text(f"""
[auth]
redirect_uri = "http://localhost:{port}/oauth2callback"
cookie_secret = "{secrets.token_hex(32)}"
client_id = "grantmon"
client_secret = "{secrets.token_hex(16)}"
server_metadata_url = "{provider}/.well-known/openid-configuration"
""")


@contextlib.contextmanager
def serving_with_sign_in(database_url: str, folder: Path, provider: str) -> Iterator[str]:
    """A dashboard server with [auth] configured for an OpenID Connect provider; its URL."""
    port = free_port()
    configure_sign_in(folder, port, provider)
    with serving(database_url, cwd=folder, port=port) as url:
        yield url


DEMO_PEOPLE = ("admin@example.org", "donor@example.org", "viewer@example.org")


@pytest.fixture(scope="module")
def provider() -> Iterator[str]:
    """A real OpenID Connect provider on 127.0.0.1 (any client id and secret accepted) that
    vouches for the demo people's addresses."""
    provider_mock = pytest.importorskip("oidc_provider_mock")
    people = [
        provider_mock.User(sub=email, claims={"email": email, "email_verified": True})
        for email in DEMO_PEOPLE
    ]
    with provider_mock.run_server_in_thread(port=free_port(), user_claims=people) as server:
        yield f"http://localhost:{server.server_port}"


def seeded_database(folder: Path) -> str:
    """A SQLite database with the public facts and the demo set; returns its URL."""
    database_url = f"sqlite:///{folder / 'grantmon.db'}"
    engine = make_engine(database_url)
    upgrade(engine)
    seed_database(engine, demo=True)
    engine.dispose()
    return database_url


@pytest.fixture(scope="module")
def dashboard_url(tmp_path_factory) -> Iterator[str]:
    """The dashboard served on a seeded SQLite database."""
    with serving(seeded_database(tmp_path_factory.mktemp("e2e"))) as url:
        yield url


@pytest.fixture(scope="session")
def browser():
    """Headless Chromium from the Debian package, driven by Playwright."""
    executable = shutil.which("chromium") or "/usr/bin/chromium"
    if not Path(executable).exists():
        skip_or_fail("Chromium is not installed: `apt-get install chromium` to run browser tests.")
    playwright_api = pytest.importorskip("playwright.sync_api")
    with playwright_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):
    """A fresh 1440x900 browser tab."""
    context = browser.new_context(viewport={"width": 1440, "height": 900})
    tab = context.new_page()
    yield tab
    context.close()


def screenshot(tab, name: str) -> Path:
    """Save a full-page screenshot for people to look at."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    tab.screenshot(path=str(path), full_page=True)
    return path


RUNNING = '[data-testid="stStatusWidget"]'


def settle(tab) -> None:
    """Wait for the rerun a change started: it may begin a moment after the change is made."""
    with contextlib.suppress(Exception):  # the rerun may be over before it is shown
        tab.wait_for_selector(RUNNING, state="attached", timeout=1_500)
    tab.wait_for_selector(RUNNING, state="detached", timeout=30_000)


def click_until_shown(tab, opener, shown, typed: str = "", attempts: int = 4) -> None:
    """Click `opener` (and type `typed`) until `shown` appears: a click during a redraw is lost."""
    for attempt in range(attempts):
        opener.click()
        if typed:
            opener.fill(typed)
        try:
            shown.wait_for(timeout=5_000)
            return
        except Exception:
            if attempt == attempts - 1:
                raise
            tab.keyboard.press("Escape")
            settle(tab)  # a fresh server's page may still be redrawing: try once it is still


def shown_with_address(text: str) -> re.Pattern[str]:
    """Text holding an e-mail address as the screen shows it: unlinked, a word joiner before @."""
    return re.compile(re.escape(text).replace("@", "\u2060?@"))
