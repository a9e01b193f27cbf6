"""Budget charts: burn against plan with projections, budget vs spent, spending by quarter."""

import pandas as pd
import plotly.graph_objects as go

from grantmon.charts.style import (
    BLUE,
    GREEN,
    GREY,
    ORANGE,
    PURPLE,
    SKY,
    STATUS_STYLE,
    ChartContext,
    as_of_marker,
    empty_figure,
    finish,
    status_colour,
    status_label,
    unapproved_markers,
)
from grantmon.formatting import money, percent
from grantmon.i18n import t
from grantmon.vocabulary import word

ON_PLAN = "on plan"
BUDGET_FILL = "#D9D9D9"  # light grey: the budget is the frame spending fills
# Room for a legend that wraps on a phone, and for rotated quarter labels above the source line.
TOP_MARGIN, SOURCE_DROP = 140, 100
BOTTOM_ROOM = 150  # below the plot: axis labels and title, then the source line


def plan_label(status: str) -> str:
    """A plan status as symbol and word ('▲ over plan'); 'on plan' gets the on-track dot."""
    if status == ON_PLAN and status not in STATUS_STYLE:
        return f"{STATUS_STYLE['on track'][1]} {word(status)}"
    return status_label(status)


def plan_colour(status: str) -> str:
    """The colour that goes with a plan status (green when on plan)."""
    return GREEN if status == ON_PLAN and status not in STATUS_STYLE else status_colour(status)


def _dollars(cents: pd.Series) -> pd.Series:
    """Whole dollars for plotting (display only; stored values stay in cents)."""
    return pd.to_numeric(cents, errors="coerce").astype("float64") / 100


def _money_text(cents: pd.Series) -> list[str]:
    return [money(None if pd.isna(c) else int(c)) for c in cents]


def _line(data: pd.DataFrame, column: str, name: str, style: dict) -> go.Scatter:
    """One cumulative series across the award's quarters, hover in whole dollars."""
    return go.Scatter(
        x=data["quarter"],
        y=_dollars(data[column]),
        name=name,
        customdata=_money_text(data[column]),
        hovertemplate="%{x}: %{customdata}<extra>" + name + "</extra>",
        connectgaps=False,
        **style,
    )


def burn_chart(series: pd.DataFrame, *, context: ChartContext) -> go.Figure:
    """Cumulative spending by quarter against the linear plan, with both projections to the end."""
    title = t("Cumulative spending against plan")
    if series.empty or series["cumulative_cents"].isna().all():
        return empty_figure(title=title, context=context, message=t("No spending recorded yet."))
    fig = go.Figure()
    pending = series["unapproved_cents"].fillna(0) > 0
    for column, name, style in _burn_lines():
        if column == "cumulative_cents":
            style = style | {"marker": {"symbol": unapproved_markers("circle", pending)}}
        fig.add_trace(_line(series, column, name, style))
    measured = series.dropna(subset=["cumulative_cents"])
    as_of_marker(fig, str(measured["quarter"].iloc[-1]))
    budget = int(series["plan_cents"].max())
    fig.add_hline(
        y=budget / 100,
        line={"color": "#333", "dash": "dot", "width": 1},
        annotation_text=t("Budget {amount}", amount=money(budget)),
        annotation_position="top left",
    )
    fig.update_yaxes(rangemode="tozero", tickprefix="$", tickformat="~s")
    fig.update_xaxes(type="category")
    return finish(
        fig,
        title=title,
        context=context,
        x_title=t("Quarter"),
        y_title=t("Cumulative spending (US$)"),
        height=580,
        top=190,  # four legend entries stack on a phone
        source_drop=SOURCE_DROP,
        unapproved=bool(pending[series["cumulative_cents"].notna()].any()),
    )


def _burn_lines() -> list[tuple[str, str, dict]]:
    """Column, legend name and line style of each burn series; dash and marker differ too."""
    return [
        (
            "plan_cents",
            t("Plan (even spending)"),
            {"line": {"color": GREY, "dash": "dash"}, "legendrank": 2},
        ),
        (
            "trailing_cents",
            t("Projected (last 2 quarters)"),
            {
                "legendrank": 4,
                "line": {"color": PURPLE, "dash": "dashdot", "width": 3},
                "mode": "lines+markers",
                "marker": {"symbol": "square", "size": 9},
            },
        ),
        (
            "linear_cents",
            t("Projected (average quarter)"),
            {
                "legendrank": 3,
                "line": {"color": ORANGE, "dash": "dot", "width": 3},
                "mode": "lines+markers",
                "marker": {"symbol": "diamond", "size": 9},
            },
        ),
        (
            "cumulative_cents",
            t("Spent"),
            {"line": {"color": BLUE, "width": 3}, "mode": "lines+markers", "legendrank": 1},
        ),
    ]


def budget_vs_spent_chart(data: pd.DataFrame, *, title: str, context: ChartContext) -> go.Figure:
    """Budget, spent (before and within the period) and plan to date, one bar per row."""
    if data.empty:
        return empty_figure(
            title=title, context=context, message=t("No budget lines match these filters.")
        )
    rows = data.iloc[::-1]  # plotly draws horizontal bars bottom-up; keep the table's order
    labels = row_labels(rows)
    fig = go.Figure()
    fig.add_trace(_budget_bar(rows, labels))
    before = _dollars(rows["before_cents"])
    if before.sum() > 0:  # only when the period starts after the award's first quarter
        fig.add_trace(_spent_bar(rows, labels, "before_cents", t("Spent before the period"), SKY))
    in_period = t("Spent in the period") if before.sum() > 0 else t("Spent")
    fig.add_trace(_spent_bar(rows, labels, "in_period_cents", in_period, BLUE, base=before))
    fig.add_trace(_plan_marks(rows, labels))
    fig.update_layout(barmode="overlay", bargap=0.25)
    top = max(_dollars(rows["budget_cents"]).max(), _dollars(rows["spent_cents"]).max())
    fig.update_xaxes(range=[0, top * 1.05], tickprefix="$", tickformat="~s")
    fig.update_yaxes(automargin=True)
    return finish(
        fig,
        title=title,
        context=context,
        x_title=t("US$"),
        y_title=None,
        height=TOP_MARGIN + BOTTOM_ROOM + max(150, 62 * len(rows)),
        top=TOP_MARGIN,
        source_drop=SOURCE_DROP,
        unapproved=bool((rows["unapproved_cents"] > 0).any()),
    )


def row_labels(rows: pd.DataFrame) -> list[str]:
    """Name, then share spent and the plan flag (symbol and word as well as colour)."""
    return [
        f"<b>{label}</b><br><span style='color:{plan_colour(status)}'>"
        f"{percent(share)} · {plan_label(status)}</span>"
        for label, share, status in zip(
            rows["label"], rows["spent_share"], rows["status"], strict=True
        )
    ]


def _budget_bar(rows: pd.DataFrame, labels: list[str]) -> go.Bar:
    """The whole budget, as the frame spending fills."""
    return go.Bar(
        y=labels,
        x=_dollars(rows["budget_cents"]),
        orientation="h",
        name=t("Budget"),
        marker={"color": BUDGET_FILL},
        width=0.8,
        customdata=_money_text(rows["budget_cents"]),
        hovertemplate="%{customdata}<extra>" + t("Budget") + "</extra>",
    )


def _spent_bar(
    rows: pd.DataFrame, labels: list[str], column: str, name: str, colour: str, base=None
) -> go.Bar:
    return go.Bar(
        y=labels,
        x=_dollars(rows[column]),
        base=base,
        orientation="h",
        name=name,
        marker={"color": colour},
        width=0.4,
        customdata=_money_text(rows[column]),
        hovertemplate="%{customdata}<extra>" + name + "</extra>",
    )


def _plan_marks(rows: pd.DataFrame, labels: list[str]) -> go.Scatter:
    """A tick where spending would be if it kept pace with time."""
    name = t("Plan to date")
    return go.Scatter(
        y=labels,
        x=_dollars(rows["plan_cents"]),
        mode="markers",
        name=name,
        marker={"symbol": "line-ns", "size": 26, "line": {"width": 3, "color": "#000"}},
        customdata=_money_text(rows["plan_cents"]),
        hovertemplate="%{customdata}<extra>" + name + "</extra>",
    )


def quarterly_spending_chart(quarterly: pd.DataFrame, *, context: ChartContext) -> go.Figure:
    """Spending per quarter; amounts not yet approved are hatched and named in the legend."""
    title = t("Spending by quarter")
    if quarterly.empty:
        return empty_figure(title=title, context=context, message=t("No spending in this period."))
    approved = quarterly["spent_cents"] - quarterly["unapproved_cents"]
    fig = go.Figure()
    fig.add_trace(_quarter_bar(quarterly, approved, t("Approved"), {"color": BLUE}))
    if int(quarterly["unapproved_cents"].sum()) > 0:
        pattern = {"color": ORANGE, "pattern": {"shape": "/", "fgcolor": "#333", "solidity": 0.3}}
        fig.add_trace(
            _quarter_bar(quarterly, quarterly["unapproved_cents"], t("Not yet approved"), pattern)
        )
    fig.update_layout(barmode="stack")
    fig.update_xaxes(type="category")
    fig.update_yaxes(tickprefix="$", tickformat="~s")
    return finish(
        fig,
        title=title,
        context=context,
        x_title=t("Quarter"),
        y_title=t("Spending in the quarter (US$)"),
        height=500,
        top=TOP_MARGIN,
        source_drop=SOURCE_DROP,
        unapproved=int(quarterly["unapproved_cents"].sum()) > 0,
    )


def _quarter_bar(quarterly: pd.DataFrame, cents: pd.Series, name: str, marker: dict) -> go.Bar:
    return go.Bar(
        x=quarterly["quarter"],
        y=_dollars(cents),
        name=name,
        marker=marker,
        customdata=_money_text(cents),
        hovertemplate="%{x}: %{customdata}<extra>" + name + "</extra>",
    )
