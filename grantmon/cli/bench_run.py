"""Benchmarks of every screen: server-side render (first and cached), the query floor, memory.

Each screen is rendered with Streamlit's AppTest in this process, as a server would: "first"
with empty data caches, "cached" the median of re-runs. A render is timed as the server's script
run (Streamlit's ScriptRunner, which also serialises every element for the browser; each script
compiled once, as a server keeps it, where AppTest compiles it again on every run); AppTest's
whole run, which then reads every element back into a tree, is reported beside it. Runs go as
on a server after its first request: without Streamlit's folder navigation (`pages/`), whose
cost on a re-run is measured apart. While the first render runs, every service read the
page's loaders ask for is recorded; the floor is the time of those same service calls run
again directly, without cache and without Streamlit. Peak memory is the process's maximum
resident set size so far. Timing lives here, never in tests.
"""

import os
import resource
import statistics
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from typing import Any

from sqlalchemy import Engine
from sqlmodel import Session

from grantmon.cli.bench_briefing import briefing_lines, briefing_timing
from grantmon.settings import PROJECT_ROOT

SCREENS = ("overview", "milestones", "regions", "reintegration", "results", "budget")
DASHBOARD = PROJECT_ROOT / "dashboard.py"
COLD_RENDERS = 3  # a single cold render moves by 10-30% between runs on a virtual machine
TARGETS = {"first_ms": 1000.0, "cached_ms": 50.0, "floor_slack_ms": 150.0, "rss_mb": 500.0}


@dataclass
class ScreenTiming:
    """One screen's measurements, in milliseconds and megabytes."""

    screen: str
    first_ms: float  # the script run on the server
    cached_ms: float
    first_apptest_ms: float  # AppTest's whole run: the script, then reading back every element
    cached_apptest_ms: float
    folder_navigation_ms: float  # what a cached re-run costs more through the folder navigation
    floor_ms: float
    ratio: float  # first render / floor
    reads: int  # distinct service reads the screen makes
    peak_rss_mb: float
    read_ms: dict[str, float]  # the floor, read by read

    def misses(self) -> list[str]:
        """The targets this screen does not meet, in words."""
        missed = []
        if self.first_ms >= TARGETS["first_ms"]:
            missed.append("first render")
        if self.cached_ms >= TARGETS["cached_ms"]:
            missed.append("cached re-run")
        if self.first_ms > 2 * self.floor_ms + TARGETS["floor_slack_ms"]:
            missed.append("2x floor + 150 ms")
        if self.peak_rss_mb >= TARGETS["rss_mb"]:
            missed.append("memory")
        return missed


def peak_rss_mb() -> float:
    """The process's peak resident memory so far (Linux reports kilobytes)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def point_app_at(url: str) -> None:
    """Make the dashboard (run in this process) use a database, with every cache empty."""
    import streamlit as st

    from grantmon.services.core.database import engine_for
    from grantmon.settings import get_settings

    os.environ["DATABASE_URL"] = url
    for clear in (get_settings.cache_clear, engine_for.cache_clear):
        clear()
    st.cache_resource.clear()


Call = tuple[str, Callable[..., Any], Any, tuple]


@contextmanager
def recording_reads() -> Iterator[list[Call]]:
    """Record every service read the screens' caches compute while the block runs."""
    from grantmon.services.core.kept import noting_reads

    calls: list[Call] = []
    with noting_reads() as noted:
        yield calls
    for query, actor, params in noted:
        name = f"{query.__module__}.{query.__qualname__}"
        calls.append((name, query, actor, tuple(sorted(params.items()))))


def floor_ms(engine: Engine, calls: list[Call]) -> tuple[float, dict[str, float]]:
    """Run each distinct recorded read once, directly; the total and each read's milliseconds."""
    distinct = {
        (name, actor, params): (query, actor, params) for name, query, actor, params in calls
    }
    each: dict[str, float] = {}
    with Session(engine) as session:
        for (name, _, params), (query, actor, _) in distinct.items():
            began = time.perf_counter()
            query(session=session, actor=actor, **dict(params))
            label = _label(name, params)
            each[label] = round(each.get(label, 0.0) + (time.perf_counter() - began) * 1000, 1)
    return sum(each.values()), each


def _label(name: str, params: tuple) -> str:
    """A read's name with its plain arguments, e.g. breakdown(by=sex, stage=assisted)."""
    plain = [f"{k}={v}" for k, v in params if isinstance(v, str | int) and not isinstance(v, bool)]
    return f"{name.rsplit('.', 1)[-1]}({', '.join(plain)})"


class ServerRuns:
    """Script runs timed as a server executes them, without AppTest then reading the result."""

    def __init__(self) -> None:
        self.ms: list[float] = []
        # Streamlit runs a file under pages/ through its folder navigation on a server's very
        # first request only (the dashboard's st.navigation turns it off for the process);
        # AppTest turns it on again for every run. Off, unless a run is to measure it.
        self.folder_navigation = False


@contextmanager
def timing_script_runs() -> Iterator[ServerRuns]:
    """Time each script run as a server executes it, without AppTest then reading the result."""
    from streamlit.runtime.pages_manager import PagesManager
    from streamlit.runtime.scriptrunner.script_cache import ScriptCache
    from streamlit.runtime.scriptrunner.script_runner import ScriptRunner

    runs = ServerRuns()
    original = ScriptRunner._run_script
    # A server compiles each script once and keeps its bytecode; AppTest compiles on every run.
    compiled = ScriptCache()

    def timed(self: ScriptRunner, rerun_data: Any) -> None:
        self._script_cache = self._pages_manager._script_cache = compiled
        PagesManager.uses_pages_directory = runs.folder_navigation
        began = time.perf_counter()
        try:
            original(self, rerun_data)
        finally:
            runs.ms.append((time.perf_counter() - began) * 1000)

    ScriptRunner._run_script = timed  # type: ignore[method-assign]
    try:
        yield runs
    finally:
        ScriptRunner._run_script = original  # type: ignore[method-assign]


Render = tuple[float, float]  # the script run on the server, and AppTest's whole run (ms)


def _render_ms(app: Any, script_runs: ServerRuns) -> Render:
    began = time.perf_counter()
    app.run()
    elapsed = (time.perf_counter() - began) * 1000
    if app.exception:
        raise RuntimeError(f"screen failed: {app.exception[0].value}")
    return script_runs.ms[-1], elapsed


def _median(renders: list[Render]) -> Render:
    return statistics.median(r[0] for r in renders), statistics.median(r[1] for r in renders)


def _forget_everything_kept() -> None:
    """Empty the loaded data, the drawn figures and the kept tables: a cold start."""
    from grantmon.services.core.kept import forget_computed

    forget_computed()  # the screens' stores included: they register there


def _cold_render_ms(app: Any, script_runs: ServerRuns) -> Render:
    _forget_everything_kept()
    return _render_ms(app, script_runs)


def _folder_navigation_ms(app: Any, script_runs: ServerRuns, runs: int) -> float:
    """How much longer a cached re-run takes through Streamlit's folder navigation."""
    # Alternated with plain re-runs, so that the machine's speed moving hits both alike.
    plain: list[float] = []
    folder: list[float] = []
    for _ in range(runs):
        for through_folder, times in ((False, plain), (True, folder)):
            script_runs.folder_navigation = through_folder
            times.append(_render_ms(app, script_runs)[0])
    script_runs.folder_navigation = False
    return statistics.median(folder) - statistics.median(plain)


def measure_screen(engine: Engine, screen: str, runs: int) -> ScreenTiming:
    """First render with empty caches (median of three), the median cached re-run, the floor."""
    from streamlit.testing.v1 import AppTest

    app = AppTest.from_file(str(DASHBOARD), default_timeout=600)
    app.run()
    app.switch_page(f"pages/{screen}.py")
    with timing_script_runs() as script_runs:
        with recording_reads() as calls:
            first = _median([_cold_render_ms(app, script_runs) for _ in range(COLD_RENDERS)])
        cached = _median([_render_ms(app, script_runs) for _ in range(max(runs, 1))])
        folder = _folder_navigation_ms(app, script_runs, max(runs, 1))
    _forget_everything_kept()
    floor, each = floor_ms(engine, calls)
    return ScreenTiming(
        screen=screen,
        first_ms=round(first[0], 1),
        cached_ms=round(cached[0], 1),
        first_apptest_ms=round(first[1], 1),
        cached_apptest_ms=round(cached[1], 1),
        folder_navigation_ms=round(folder, 1),
        floor_ms=round(floor, 1),
        ratio=round(first[0] / floor, 2) if floor else 0.0,
        reads=len(each),
        peak_rss_mb=round(peak_rss_mb(), 1),
        read_ms=each,
    )


def warm_up_seconds() -> float:
    """What a server process does once, before its first screen: imports and region outlines."""
    from streamlit.testing.v1 import AppTest

    from grantmon.services.regions.geography import region_geojson

    began = time.perf_counter()
    AppTest.from_file(str(DASHBOARD), default_timeout=600).run()
    region_geojson()  # simplified once per process (lru_cache), then shared by every session
    return time.perf_counter() - began


def machine_ms() -> float:
    """A fixed pure-Python loop (median of 5): how fast this machine is now, to compare runs."""
    times = []
    for _ in range(5):
        began = time.perf_counter()
        total = 0
        for number in range(2_000_000):
            total += number
        times.append((time.perf_counter() - began) * 1000)
    return round(statistics.median(times), 1)


def run_bench(engine: Engine, *, runs: int = 5, briefing: bool = True) -> dict[str, Any]:
    """Measure every screen (and the briefing pack); return the figures as plain data."""
    from streamlit.logger import set_log_level

    set_log_level("error")
    point_app_at(engine.url.render_as_string(hide_password=False))
    speed_before = machine_ms()
    warm_up = warm_up_seconds()
    screens = [measure_screen(engine, screen, runs) for screen in SCREENS]
    return {
        # A virtual machine's speed moves from hour to hour: this puts runs side by side.
        "machine_loop_ms": [speed_before, machine_ms()],
        "database": engine.dialect.name,
        "warm_up_s": round(warm_up, 2),
        "python": sys.version.split()[0],
        "screens": [asdict(s) | {"missed": s.misses()} for s in screens],
        "briefing": asdict(briefing_timing(engine)) if briefing else None,
        "peak_rss_mb": round(peak_rss_mb(), 1),
        "targets": TARGETS,
    }


def table(result: dict[str, Any]) -> str:
    """The figures as a plain-text table."""
    head = f"{'screen':<15}{'first ms':>10}{'cached ms':>11}{'floor ms':>10}{'ratio':>7}"
    head += f"{'reads':>7}{'RSS MB':>8}{'AppTest first/cached':>22}  missed targets"
    lines = [head]
    for s in result["screens"]:
        apptest = f"{s['first_apptest_ms']:.0f} / {s['cached_apptest_ms']:.0f}"
        lines.append(
            f"{s['screen']:<15}{s['first_ms']:>10.0f}{s['cached_ms']:>11.0f}{s['floor_ms']:>10.0f}"
            f"{s['ratio']:>7.2f}{s['reads']:>7}{s['peak_rss_mb']:>8.0f}{apptest:>22}  "
            + (", ".join(s["missed"]) or "none")
        )
    if result["briefing"] is not None:
        lines += briefing_lines(result["briefing"])
    folder = [s["folder_navigation_ms"] for s in result["screens"]]
    lines.append(
        f"folder navigation (a server's first request only): {min(folder):+.0f} to "
        f"{max(folder):+.0f} ms on a cached re-run"
    )
    lines.append(f"process warm-up (once per server process): {result['warm_up_s']:.1f} s")
    lines.append(f"peak RSS of the process: {result['peak_rss_mb']:.0f} MB")
    before, after = result["machine_loop_ms"]
    lines.append(f"machine speed (a fixed Python loop, before / after): {before} / {after} ms")
    return "\n".join(lines)
