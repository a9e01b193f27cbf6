"""Benchmark: server-side render time of every screen on the demo data (first load and cached)."""

import argparse
import statistics
import sys
import time
from pathlib import Path

import streamlit as st
from streamlit.logger import set_log_level
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[1]
PAGES = ["overview", "milestones", "regions", "reintegration", "results", "budget"]


def render_ms(app: AppTest) -> float:
    """Run the script once and return the wall time in milliseconds."""
    started = time.perf_counter()
    app.run()
    elapsed = (time.perf_counter() - started) * 1000
    if app.exception:
        sys.exit(f"page failed: {app.exception[0].value}")
    return elapsed


def measure(page: str, runs: int) -> tuple[float, float]:
    """First render with empty caches, and the median of cached re-runs."""
    st.cache_data.clear()
    app = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=120)
    app.run()
    st.cache_data.clear()
    app.switch_page(f"pages/{page}.py")
    first = render_ms(app)
    cached = statistics.median(render_ms(app) for _ in range(runs))
    return first, cached


def main() -> None:
    """Print a table of render times; DATABASE_URL selects the database (demo-seeded)."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5, help="cached re-runs per page")
    args = parser.parse_args()
    set_log_level("error")
    print(f"{'page':<15}{'first (ms)':>12}{'cached (ms)':>13}")
    for page in PAGES:
        first, cached = measure(page, args.runs)
        print(f"{page:<15}{first:>12.0f}{cached:>13.0f}")


if __name__ == "__main__":
    main()
