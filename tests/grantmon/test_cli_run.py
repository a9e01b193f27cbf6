"""`grantmon run` names the one address to open, starts without warnings, and its server ends
with it."""

import os
import re
import signal
import socket
import subprocess
import sys
import time

import pytest

from grantmon.cli.bench_servers import free_port
from grantmon.cli.serve import address_to_open, auth_secrets
from tests.e2e.conftest import seeded_database, wait_healthy

ADDRESS = re.compile(r"https?://\S+")
KILL_ON_LINUX = pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="the server dies with a killed parent on Linux"
)


@pytest.fixture(scope="module")
def database_url(tmp_path_factory) -> str:
    """One seeded SQLite database for every server this module starts."""
    return seeded_database(tmp_path_factory.mktemp("run"))


def answers(port: int) -> bool:
    """Whether anything accepts connections on this machine's `port`."""
    with socket.socket() as probe:
        probe.settimeout(1)
        return probe.connect_ex(("127.0.0.1", port)) == 0


def closes_within(port: int, seconds: float) -> bool:
    """Whether `port` stops answering within `seconds`."""
    deadline = time.monotonic() + seconds
    while answers(port):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.2)
    return True


def start_grantmon(database_url: str, port: int) -> tuple[subprocess.Popen, str]:
    """`grantmon run` as a person starts it, healthy; the process and its first line."""
    process = subprocess.Popen(
        [sys.executable, "-m", "grantmon.cli", "run", "--port", str(port)],
        env={**os.environ, "DATABASE_URL": database_url},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    assert process.stdout is not None
    first = process.stdout.readline()
    opened = ADDRESS.search(first)
    assert opened, first
    wait_healthy(opened.group(0), process)
    return process, first


@pytest.mark.parametrize(
    "stop_signal",
    [signal.SIGTERM, signal.SIGINT, pytest.param(signal.SIGKILL, marks=KILL_ON_LINUX)],
    ids=["SIGTERM", "SIGINT", "SIGKILL"],
)
def test_run_prints_one_address_and_its_server_ends_with_it(database_url, stop_signal):
    port = free_port()
    process, first = start_grantmon(database_url, port)
    try:
        process.send_signal(stop_signal)
        process.wait(timeout=20)
        if stop_signal != signal.SIGKILL:  # passed on and waited for: gone when grantmon is
            assert not answers(port), "grantmon run ended before its server"
        assert closes_within(port, seconds=10), "the server outlived grantmon run"
    finally:
        process.kill()
    output = first + (process.stdout.read() if process.stdout else "")
    assert ADDRESS.findall(output) == [f"http://127.0.0.1:{port}"], output
    assert "no static folder found" not in output
    assert "Traceback" not in output


@pytest.mark.parametrize(
    "redirect_uri, address, expected",
    [
        (None, "127.0.0.1", "http://127.0.0.1:8501"),
        (None, "::1", "http://[::1]:8501"),
        ("http://localhost:8501/oauth2callback", "127.0.0.1", "http://localhost:8501"),
        (
            "https://grants.example.org/monitor/oauth2callback",
            "0.0.0.0",
            "https://grants.example.org/monitor",
        ),
    ],
)
def test_the_address_to_open_is_the_sign_ins_host_or_the_loopback_one(
    redirect_uri, address, expected
):
    assert address_to_open(redirect_uri, address, 8501) == expected


def test_the_sign_in_address_is_read_from_the_secrets_file(tmp_path):
    assert auth_secrets(tmp_path) is None  # no file: local mode
    (tmp_path / ".streamlit").mkdir()
    (tmp_path / ".streamlit" / "secrets.toml").write_text(
        '[auth]\nredirect_uri = "http://localhost:8600/oauth2callback"\n'
        'client_kwargs = { prompt = "login" }\n'
    )
    auth = auth_secrets(tmp_path)
    assert auth is not None
    assert address_to_open(auth.get("redirect_uri"), "127.0.0.1", 8600) == "http://localhost:8600"
