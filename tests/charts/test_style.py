"""Every chart carries its source line whole: inside the picture, below the plot, phone-wide."""

import re
from collections.abc import Iterator
from datetime import date

import plotly.graph_objects as go
import pytest
from sqlmodel import Session

from data_model import Role
from data_model.db import make_engine
from grantmon.services.briefing.pack import Inputs, _source_line, chart_catalogue
from grantmon.services.core.access import Actor
from grantmon.services.core.filters import describe, filter_options
from tests.e2e.conftest import seeded_database

LINE_PX = 14  # a line of the 10 px source text, with its spacing
PHONE_CHARACTERS = 62  # as many characters of 10 px text as a 390 px phone's chart holds


@pytest.fixture(scope="module")
def drawn(tmp_path_factory) -> Iterator[dict[str, go.Figure]]:
    """Every chart a briefing pack can hold, drawn on the demo data as an IOM viewer sees it."""
    engine = make_engine(seeded_database(tmp_path_factory.mktemp("charts")))
    actor = Actor(email="viewer@example.org", role=Role.VIEWER)
    with Session(engine) as session:
        options = filter_options(session=session, actor=actor)
        filters = options.defaults()
        inputs = Inputs(
            session,
            actor,
            filters,
            date(2026, 11, 29),
            describe(filters, options),
            _source_line(session, actor),
        )
        yield {chart.key: chart.draw(inputs) for chart in chart_catalogue(["1.1.a", "1.2.a"])}
    engine.dispose()


def source_note(fig: go.Figure) -> go.layout.Annotation:
    """The annotation that names the figures' source."""
    return next(a for a in fig.layout.annotations if "Source:" in (a.text or ""))


def source_span_px(fig: go.Figure) -> tuple[float, float]:
    """Where the source line starts and ends, in pixels below the plot's bottom edge."""
    note = source_note(fig)
    margin = fig.layout.margin
    plot_height = fig.layout.height - margin.t - margin.b
    assert note.yref == "paper" and note.yanchor == "top"
    start = -note.y * plot_height - (note.yshift or 0)
    return start, start + LINE_PX * (note.text.count("<br>") + 1)


def test_every_chart_of_the_catalogue_is_drawn(drawn):
    assert len(drawn) == len(chart_catalogue(["1.1.a", "1.2.a"])) >= 10


@pytest.mark.parametrize("key", [chart.key for chart in chart_catalogue(["1.1.a", "1.2.a"])])
def test_the_source_line_is_whole_below_the_plot_and_fits_a_phone(drawn, key):
    fig = drawn[key]
    start, end = source_span_px(fig)
    assert start >= 0 and end <= fig.layout.margin.b, (start, end, fig.layout.margin.b)
    lines = [re.sub(r"<[^>]+>", "", line) for line in source_note(fig).text.split("<br>")]
    assert max(len(line) for line in lines) <= PHONE_CHARACTERS, lines  # as read: no markup
