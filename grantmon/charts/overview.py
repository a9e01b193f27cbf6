"""The Overview's chart: budget burn beside results and time."""

import pandas as pd
import plotly.graph_objects as go

from grantmon.charts.style import BLUE, GREY, ORANGE, ChartContext, empty_figure, finish
from grantmon.formatting import percent_sign
from grantmon.i18n import N_, t

SERIES = [
    ("budget_spent", N_("Budget spent"), BLUE, "solid", "circle"),
    ("targets_reached", N_("Life-of-award targets reached (mean)"), ORANGE, "solid", "diamond"),
    ("period_elapsed", N_("Award period elapsed"), GREY, "dash", None),
]


def burn_beside_results_chart(data: pd.DataFrame, *, context: ChartContext) -> go.Figure:
    """Cumulative share of budget spent and of targets reached, against time elapsed."""
    title = t("Budget burn beside results")
    if data.empty or data[["budget_spent", "targets_reached"]].isna().all().all():
        return empty_figure(title=title, context=context, message=t("No data for these filters"))
    fig = go.Figure()
    for column, name, colour, dash, symbol in SERIES:
        fig.add_trace(
            go.Scatter(
                x=data["quarter"],
                y=data[column] * 100,
                name=t(name),
                mode="lines+markers",
                line={"color": colour, "dash": dash, "width": 3 if symbol else 2},
                marker={"symbol": symbol or "line-ew", "size": 8},
                hovertemplate="%{x}: %{y:.0f}" + percent_sign() + "<extra>" + t(name) + "</extra>",
            )
        )
    # Up to 100% and a little room; further when spending has passed the award, so it shows.
    highest = data[[column for column, *_ in SERIES]].max().max() * 100
    fig.update_yaxes(range=[0, max(105.0, float(highest) + 5)], ticksuffix="%")
    return finish(
        fig,
        title=title,
        context=context,
        x_title=t("Quarter"),
        y_title=t("Share of the award (%)"),
        height=440,
    )
