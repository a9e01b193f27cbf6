"""The briefing pack's benchmark: from the command line (a new process) and in the app.

- **command line**: `grantmon export briefing` run as a user runs it, in a new process, for
  the PDF and for the PowerPoint file: imports, the image browser's start, the reads, the
  chart images and the file, all included;
- **app, first pack**: in a server process whose image browser is already running and whose
  region outlines are simplified (the server does both at its start), the process's first
  pack: the pack's modules load, then its reads, figures and images, then both files, as the
  app makes them;
- **app, after a write**: the same with the modules loaded and no image kept, as after any
  write (the data version changes);
- **app, again**: the same pack once more, its images kept (same data version, view, filters,
  day and language).

Every pack is the default one, as a donor sees it. Timing lives here, never in tests.
"""

import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sqlalchemy import Engine
from sqlmodel import Session

BRIEFING_FORMATS = ("pdf", "pptx")


@dataclass
class BriefingTiming:
    """The default pack's times in seconds, and one chart's share of the app's first pack."""

    cli_pdf_s: float
    cli_pptx_s: float
    app_first_s: float  # both files, browser warm, the process's first pack
    app_after_write_s: float  # both files, browser warm, no image kept
    app_again_s: float  # both files, images kept
    charts: int
    chart_seconds: float  # the mean time of one chart (figure and image) after a write


def cli_seconds(url: str, fmt: str) -> float:
    """The wall time of `grantmon export briefing --format FMT` in a new process."""
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / f"pack.{fmt}"
        command = [sys.executable, "-m", "grantmon.cli", "--database", url, "export"]
        command += ["briefing", "--format", fmt, "--role", "donor", "--out", str(out)]
        began = time.perf_counter()
        subprocess.run(command, check=True, capture_output=True, timeout=600)
        return time.perf_counter() - began


def app_pack(engine: Engine) -> tuple[float, int, float]:
    """The default pack and both its files as the app makes them: seconds, charts, per chart."""
    from data_model import Role
    from grantmon.services.briefing.files import briefing_pdf, briefing_pptx
    from grantmon.services.briefing.pack import collect_briefing
    from grantmon.services.core.access import Actor
    from grantmon.services.core.filters import filter_options

    actor = Actor(email="bench@example.org", role=Role.DONOR)
    steps: list[float] = []  # when each chart began, then when the last one ended
    began = time.perf_counter()
    with Session(engine) as session:
        filters = filter_options(session=session, actor=actor).defaults()
        pack = collect_briefing(
            session=session,
            actor=actor,
            filters=filters,
            today=date.today(),
            prepared_for="bench",
            progress=lambda share, text: steps.append(time.perf_counter()),
        )
    briefing_pdf(pack), briefing_pptx(pack)
    charts = len(pack.charts)
    # Steps: the start, each chart, the pack ready: the charts run from the second to the last.
    drawing = steps[-1] - steps[1] if charts else 0.0
    return time.perf_counter() - began, charts, drawing / charts if charts else 0.0


def warm_like_a_server() -> None:
    """Start the image browser (and draw one image) and simplify the region outlines, as a
    running server has done at its start."""
    from grantmon.charts.export import image_bytes
    from grantmon.charts.style import ChartContext, empty_figure
    from grantmon.services.regions.geography import region_geojson

    image_bytes(empty_figure(title="-", context=ChartContext("", ""), message="-"))
    region_geojson()


def briefing_timing(engine: Engine) -> BriefingTiming:
    """Time the default pack from the command line, then in the app, first and again."""
    from grantmon.services.core.kept import forget_computed

    url = engine.url.render_as_string(hide_password=False)
    cli = {fmt: cli_seconds(url, fmt) for fmt in BRIEFING_FORMATS}
    warm_like_a_server()
    forget_computed()  # no image kept
    first, _, _ = app_pack(engine)
    forget_computed()  # as a write does: the data version moves on
    after_write, charts, per_chart = app_pack(engine)
    again, _, _ = app_pack(engine)
    return BriefingTiming(
        cli_pdf_s=round(cli["pdf"], 2),
        cli_pptx_s=round(cli["pptx"], 2),
        app_first_s=round(first, 2),
        app_after_write_s=round(after_write, 2),
        app_again_s=round(again, 2),
        charts=charts,
        chart_seconds=round(per_chart, 2),
    )


def briefing_lines(pack: dict) -> list[str]:
    """The pack's figures as lines of the bench's table."""
    return [
        f"briefing pack, command line (new process): PDF {pack['cli_pdf_s']:.1f} s, "
        f"PowerPoint {pack['cli_pptx_s']:.1f} s",
        f"briefing pack, app (browser warm, PDF and PowerPoint): first {pack['app_first_s']:.1f} s,"
        f" after a write {pack['app_after_write_s']:.1f} s ({pack['charts']} charts at "
        f"{pack['chart_seconds']:.2f} s each), again {pack['app_again_s']:.2f} s",
    ]
