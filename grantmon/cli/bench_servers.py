"""The servers the browser benchmark loads: the dashboard and three tiny Streamlit apps.

Every server runs from one temporary folder holding a copy of the project's Streamlit settings
and no secrets, so the dashboard runs in local mode, as the local administrator, and the tiny
apps look and behave like it (same theme, toolbar and hidden page list).
"""

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from grantmon.settings import PROJECT_ROOT

SERVER = PROJECT_ROOT / "grantmon" / "server" / "app.py"  # what `grantmon run` serves
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

EMPTY_APP = """import streamlit as st

st.title("Empty")
"""

ONE_CHART_APP = """import plotly.graph_objects as go
import streamlit as st

st.title("One chart")
st.plotly_chart(go.Figure(go.Bar(x=["a", "b", "c"], y=[1, 3, 2])))
"""

# Two empty pages under a hidden st.navigation with sidebar links, as the dashboard's menu.
TWO_PAGE_APP = """import streamlit as st

def first():
    st.title("First")

def second():
    st.title("Second")

pages = [st.Page(first, url_path="first", default=True), st.Page(second, url_path="second")]
nav = st.navigation(pages, position="hidden")
for page in pages:
    st.sidebar.page_link(page)
nav.run()
"""

APPS = {"empty": EMPTY_APP, "one_chart": ONE_CHART_APP, "two_pages": TWO_PAGE_APP}


def chromium_path() -> str | None:
    """Chromium as the chart images find it: BROWSER_PATH, else `chromium` on the PATH."""
    named = os.environ.get("BROWSER_PATH", "")
    found = named if Path(named).is_file() else None
    return found or shutil.which("chromium") or shutil.which("chromium-browser")


def browser_missing() -> str | None:
    """Why the browser part cannot run, with how to enable it; None when it can."""
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "Playwright is not installed (pip install -e '.[dev]')"
    if chromium_path() is None:
        return "Chromium was not found (apt-get install chromium, or set BROWSER_PATH)"
    return None


def prepare_folder(folder: Path) -> dict[str, Path]:
    """Write the Streamlit settings (no secrets: local mode) and the tiny apps into `folder`."""
    (folder / ".streamlit").mkdir(parents=True, exist_ok=True)
    shutil.copy(PROJECT_ROOT / ".streamlit" / "config.toml", folder / ".streamlit")
    scripts = {}
    for name, source in APPS.items():
        scripts[name] = folder / f"{name}.py"
        scripts[name].write_text(source, encoding="utf-8")
    scripts["dashboard"] = SERVER
    return scripts


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _wait_healthy(url: str, process: subprocess.Popen, seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server of {url} stopped while starting")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2):
                return
        except OSError:
            time.sleep(0.05)  # the cold first visit starts as soon as the server answers
    raise RuntimeError(f"the server of {url} did not answer its health check")


SERVER_PIDS: dict[str, int] = {}  # the process serving each address, to read its memory


@contextmanager
def serving(
    script: Path, folder: Path, database_url: str, environment: dict[str, str] | None = None
) -> Iterator[str]:
    """`streamlit run script` from `folder` on a free loopback port until the block ends."""
    port = free_port()
    log = (folder / f"{script.stem}-{port}.log").open("w")
    process = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(script), "--server.port", str(port)],
        cwd=folder,
        env={**os.environ, "DATABASE_URL": database_url, **(environment or {})},
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://localhost:{port}"
    SERVER_PIDS[url] = process.pid
    try:
        _wait_healthy(url, process)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=30)
        log.close()
