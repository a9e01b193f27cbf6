"""The Overview's chart: spending against time, and results beside them, one measure per axis."""

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from grantmon.charts.style import (
    BLUE,
    GREY,
    ORANGE,
    ChartContext,
    as_of_marker,
    empty_figure,
    finish,
    unapproved_markers,
)
from grantmon.formatting import percent_sign
from grantmon.i18n import N_, t

# (column, legend name, colour, dash, marker symbol, row): spending and time share an axis (both
# are shares of the award: its money and its period); results have their own.
SERIES = [
    ("budget_spent", N_("Budget spent"), BLUE, "solid", "circle", 1),
    ("period_elapsed", N_("Award period elapsed"), GREY, "dash", None, 1),
    ("targets_reached", N_("Life-of-award targets reached (mean)"), ORANGE, "solid", "diamond", 2),
]


def _trace(
    data: pd.DataFrame, column: str, name: str, colour: str, dash: str, symbol: str | None
) -> go.Scatter:
    unapproved = data.get("unapproved")
    return go.Scatter(
        x=data["quarter"],
        y=data[column] * 100,
        name=t(name),
        mode="lines+markers",
        line={"color": colour, "dash": dash, "width": 3 if symbol else 2},
        marker={
            "symbol": unapproved_markers(symbol, unapproved) if symbol else "line-ew",
            "size": 8,
        },
        hovertemplate="%{x}: %{y:.0f}" + percent_sign() + "<extra>" + t(name) + "</extra>",
    )


def burn_beside_results_chart(data: pd.DataFrame, *, context: ChartContext) -> go.Figure:
    """Cumulative share of budget spent against time elapsed; below, life targets reached."""
    title = t("Spending against time, and results")
    if data.empty or data[["budget_spent", "targets_reached"]].isna().all().all():
        return empty_figure(title=title, context=context, message=t("No data for these filters"))
    fig = make_subplots(rows=2, cols=1, shared_xaxes=True, row_heights=[0.62, 0.38])
    for column, name, colour, dash, symbol, row in SERIES:
        fig.add_trace(_trace(data, column, name, colour, dash, symbol), row=row, col=1)
    # Up to 100% and a little room; further when spending has passed the award, so it shows.
    highest = data[["budget_spent", "period_elapsed"]].max().max() * 100
    fig.update_yaxes(range=[0, max(105.0, float(highest) + 5)], ticksuffix="%", row=1, col=1)
    fig.update_yaxes(range=[0, 105], ticksuffix="%", row=2, col=1)
    fig.update_yaxes(title_text=t("% of the award"), row=1, col=1)
    fig.update_yaxes(title_text=t("% of targets"), row=2, col=1)
    fig.update_xaxes(title_text=t("Quarter"), row=2, col=1)
    measured = data.dropna(subset=["budget_spent"])
    if not measured.empty:
        as_of_marker(fig, str(measured["quarter"].iloc[-1]))
    return finish(
        fig,
        title=title,
        context=context,
        height=520,
        unapproved=bool(data.get("unapproved", pd.Series(dtype=bool)).any()),
    )
