"""The Overview's burn chart keeps every series in view."""

import pandas as pd

from grantmon.charts.overview import burn_beside_results_chart
from grantmon.charts.style import ChartContext

CONTEXT = ChartContext(filters_text="2024Q1–2024Q3", source_text="Source: test.")


def _quarters(spent: list[float]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "quarter": ["2024Q1", "2024Q2", "2024Q3"],
            "budget_spent": spent,
            "period_elapsed": [0.1, 0.2, 0.3],
            "targets_reached": [0.05, 0.1, 0.2],
        }
    )


def test_spending_past_the_award_stays_on_the_chart():
    fig = burn_beside_results_chart(_quarters([0.4, 0.9, 1.3]), context=CONTEXT)
    low, high = fig.layout.yaxis.range
    assert low == 0 and high >= 130


def test_the_axis_stops_just_above_100_percent_otherwise():
    fig = burn_beside_results_chart(_quarters([0.1, 0.2, 0.3]), context=CONTEXT)
    assert tuple(fig.layout.yaxis.range) == (0, 105)
