"""Benchmark: chart images for a briefing pack, one kaleido browser vs one browser per chart.

    python scripts/bench_briefing.py [--charts 8]

Uses the demo database (DATABASE_URL or the default). Timing lives here, never in tests.
"""

import argparse
import time
from datetime import date

import kaleido
import plotly.io as pio
from sqlmodel import Session

from data_model import Role
from grantmon.charts.export import export_figure, image_bytes, start_image_server, stop_image_server
from grantmon.services.briefing.pack import Inputs, _source_line, chart_catalogue
from grantmon.services.core.access import Actor
from grantmon.services.core.database import default_engine
from grantmon.services.core.filters import describe, filter_options
from grantmon.services.results.indicators import indicator_tracking


def figures(count: int) -> list:
    """The first `count` charts of the catalogue, drawn as a donor would see them."""
    actor = Actor(email="bench", role=Role.DONOR)
    with Session(default_engine()) as session:
        filters = filter_options(session=session, actor=actor).defaults()
        text = describe(filters, filter_options(session=session, actor=actor))
        inputs = Inputs(session, actor, filters, date.today(), text, _source_line(session, actor))
        codes = list(indicator_tracking(session=session, actor=actor, filters=filters)["code"])
        return [chart.draw(inputs) for chart in chart_catalogue(codes)[:count]]


def one_browser(figs: list) -> float:
    """Start one kaleido browser and draw every chart with it."""
    began = time.perf_counter()
    start_image_server()
    for fig in figs:
        image_bytes(fig, "png")
    elapsed = time.perf_counter() - began
    stop_image_server()
    return elapsed


def browser_per_chart(figs: list) -> float:
    """The naive way: each image starts (and closes) its own browser."""
    began = time.perf_counter()
    for fig in figs:
        copy = export_figure(fig)
        pio.to_image(copy, format="png", scale=1920 / copy.layout.width)
    return time.perf_counter() - began


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--charts", type=int, default=8)
    count = parser.parse_args().charts
    figs = figures(count)
    assert not kaleido._global_server.is_running()  # the naive run must not reuse a browser
    naive = browser_per_chart(figs)
    shared = one_browser(figs)
    print(f"{len(figs)} charts, 1920x1080 PNG")
    print(f"  one browser per chart: {naive:6.2f} s ({naive / len(figs):.2f} s a chart)")
    print(f"  one shared browser:    {shared:6.2f} s ({shared / len(figs):.2f} s a chart)")


if __name__ == "__main__":
    main()
