"""The read API in `grantmon bench`: each resource's time on the server (its Server-Timing
header) through a real server on the bench's database, a filtered page, and the memory of the
server process while the full indicator results stream as CSV."""

import statistics
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import Engine
from sqlmodel import Session

from grantmon.cli.bench_servers import SERVER, SERVER_PIDS, prepare_folder, serving
from grantmon.cli.users import CONSOLE
from grantmon.services.core.tokens import issue_token, revoke_token

# Each resource as a donor reads it (the staff-only one as a viewer), then filtered pages.
RESOURCES = [
    ("donor", "/award"),
    ("donor", "/framework"),
    ("donor", "/indicators"),
    ("donor", "/indicators/quarters"),
    ("donor", "/indicators/1.1.a/disaggregations"),
    ("donor", "/milestones"),
    ("donor", "/regions"),
    ("donor", "/centres"),
    ("donor", "/centres/occupancy"),
    ("donor", "/reintegration"),
    ("donor", "/reintegration/breakdown"),
    ("donor", "/budget"),
    ("donor", "/budget/lines"),
    ("donor", "/expenditures"),
    ("donor", "/iati.xml"),
    ("viewer", "/indicator-results"),
]
FILTERED = [
    ("donor", "/indicators/quarters?from=2025Q1&to=2025Q4&region=MA-04"),
    ("donor", "/milestones?partner=IOM&region=MA-04"),
    ("viewer", "/indicator-results?from=2025Q1&to=2025Q4&region=MA-04&limit=1000"),
]
TARGETS = {"read_ms": 300.0, "filtered_page_ms": 1000.0, "stream_rss_mb": 500.0}
PEOPLE = {"donor": "donor@example.org", "viewer": "viewer@example.org"}


@dataclass
class ApiTiming:
    """One call's server time: the first after a cold start of the reads, then the median."""

    role: str
    path: str
    first_ms: float
    median_ms: float
    bytes: int


def _server_ms(reply: httpx.Response) -> float:
    """The server's own time (Server-Timing: app;dur=...), in milliseconds."""
    timing = reply.headers.get("server-timing", "app;dur=nan")
    return float(timing.split("dur=")[1])


def _time(client: httpx.Client, token: str, path: str, runs: int) -> tuple[float, float, int]:
    headers = {"Authorization": f"Bearer {token}"}
    times, size = [], 0
    for _ in range(runs + 1):
        reply = client.get(f"/api/v1{path}", headers=headers)
        reply.raise_for_status()
        times.append(_server_ms(reply))
        size = len(reply.content)
    return times[0], statistics.median(times[1:]), size


def _peak_rss_mb(pid: int) -> float:
    """A process's peak resident memory (Linux: VmHWM in /proc), in megabytes."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def _stream(client: httpx.Client, token: str, pid: int) -> dict[str, Any]:
    """Stream every stored indicator result as CSV; rows, seconds, the server's peak memory."""
    began, rows = time.perf_counter(), -1  # the header line is no row
    headers = {"Authorization": f"Bearer {token}"}
    with client.stream("GET", "/api/v1/indicator-results.csv", headers=headers) as reply:
        reply.raise_for_status()
        for _ in reply.iter_lines():
            rows += 1
    return {
        "rows": rows,
        "seconds": round(time.perf_counter() - began, 2),
        "server_peak_rss_mb": round(_peak_rss_mb(pid), 1),
    }


def _tokens(engine: Engine) -> dict[str, tuple[int, str]]:
    with Session(engine) as session:
        issued = {role: issue_token(session=session, actor=CONSOLE, email=email, label="bench")
                  for role, email in PEOPLE.items()}  # fmt: skip
    return {role: (token.id, token.token) for role, token in issued.items()}


def _revoke(engine: Engine, tokens: dict[str, tuple[int, str]]) -> None:
    with Session(engine) as session:
        for token_id, _ in tokens.values():
            revoke_token(session=session, actor=CONSOLE, token_id=token_id)


def run_api_bench(engine: Engine, runs: int = 5) -> dict[str, Any]:
    """Serve the dashboard on the bench's database and time the API; the figures as data."""
    tokens = _tokens(engine)
    url = engine.url.render_as_string(hide_password=False)
    unlimited = {"GRANTMON_API_REQUESTS_PER_MINUTE": "100000"}
    try:
        with tempfile.TemporaryDirectory(prefix="grantmon-api-bench-") as folder:
            prepare_folder(Path(folder))
            with (
                serving(SERVER, Path(folder), url, unlimited) as served,
                httpx.Client(base_url=served, timeout=600) as client,
            ):
                timed = [
                    ApiTiming(role, path, *_time(client, tokens[role][1], path, runs))
                    for role, path in RESOURCES + FILTERED
                ]
                stream = _stream(client, tokens["viewer"][1], SERVER_PIDS[served])
    finally:
        _revoke(engine, tokens)
    return {"calls": [asdict(t) for t in timed], "stream": stream, "targets": TARGETS}


def api_lines(result: dict[str, Any]) -> list[str]:
    """The API's figures as lines of the bench's table."""
    lines = [f"{'API call (server time)':<72}{'first ms':>10}{'median ms':>11}{'KB':>8}"]
    for call in result["calls"]:
        name = f"{call['role']:<7}{call['path']}"
        lines.append(
            f"{name[:72]:<72}{call['first_ms']:>10.0f}{call['median_ms']:>11.0f}"
            f"{call['bytes'] / 1024:>8.0f}"
        )
    stream = result["stream"]
    lines.append(
        f"full indicator results as CSV: {stream['rows']} rows streamed in {stream['seconds']} s;"
        f" server peak memory {stream['server_peak_rss_mb']:.0f} MB"
    )
    return lines
