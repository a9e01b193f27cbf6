"""Indicator charts state status in words and symbols, and keep quarters in order."""

import pandas as pd

from grantmon.charts.indicators import disaggregation_bars, status_display, target_vs_actual
from grantmon.charts.style import ChartContext

CONTEXT = ChartContext(filters_text="2024Q1–2024Q3", source_text="Source: test")


def quarters(statuses: list[str]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "quarter": ["2024Q1", "2024Q2", "2024Q3"],
            "actual_to_date": [10.0, 25.0, 31.0],
            "target_to_date": [10.0, 20.0, 40.0],
            "unapproved_to_date": [0, 0, 1],
            "status": statuses,
        }
    )


def test_status_words_say_better_or_worse_never_just_above_or_below():
    assert status_display("above") == "▲ better than target"
    assert status_display("below") == "▼ worse than target"
    assert status_display("on track") == "● on track"


def test_quarters_stay_in_calendar_order_whatever_the_status():
    fig = target_vs_actual(
        quarters(["on track", "above", "below"]),
        title="1.1.a",
        unit="people",
        cumulative=True,
        context=CONTEXT,
    )
    assert list(fig.layout.xaxis.categoryarray) == ["Q1 2024", "Q2 2024", "Q3 2024"]
    names = [trace.name for trace in fig.data]
    assert "actual ▼ worse than target" in names and "target" in names
    assert "hatched: not yet approved" in names
    assert fig.layout.yaxis.title.text == "people, cumulative"


def test_no_figures_give_a_clear_empty_chart():
    empty = quarters(["no data"] * 3).assign(actual_to_date=None, target_to_date=None)
    fig = target_vs_actual(empty, title="3.2.a", unit="", cumulative=True, context=CONTEXT)
    assert "No targets or figures" in fig.layout.annotations[0].text
    cells = pd.DataFrame(columns=["dimension", "label", "value", "suppressed"])
    fig = disaggregation_bars(cells, title="x", unit="people", context=CONTEXT)
    assert "not broken down" in fig.layout.annotations[0].text
