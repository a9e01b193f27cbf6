"""Charts of reintegration outcomes: funnel, quarterly trend, breakdowns, sustainability scores.

Suppressed figures are never drawn as zero: the bar or point is left out and a grey
'■ suppressed' marker sits at the baseline in its place. On IOM screens the figures a donor
would not see are hatched (bars) or open (points) and marked ■ in their labels.
"""

from typing import Any

import pandas as pd
import plotly.graph_objects as go

from grantmon.charts.style import (
    BLACK,
    BLUE,
    GREY,
    ORANGE,
    PALETTE,
    ChartContext,
    empty_figure,
    finish,
    includes_unapproved,
    status_colour,
)
from grantmon.formatting import number, percent
from grantmon.i18n import t

SEX_COLOURS = {"female": ORANGE, "male": BLUE}
# How far below the plot the source line starts: under the axis title, and on the quarter
# charts under their tick labels, which a phone draws at an angle.
HORIZONTAL_DROP, ANGLED_DROP = 62, 92
DONOR_HATCH = "/"


def _category_axis_clear(fig: go.Figure) -> go.Figure:
    """Horizontal charts: keep category names clear of the markers drawn at zero."""
    return fig.update_yaxes(ticklabelstandoff=10)


def _number(value: float, donor_hidden: bool) -> str:
    text = number(round(value))
    return f"{text} ■" if donor_hidden else text


def _suppressed_markers(
    fig: go.Figure, *, x: list, y: list, horizontal: bool, hover: list[str] | None = None, **kw: Any
) -> None:
    """Grey squares at the baseline where a figure is suppressed (one legend entry)."""
    if not x:
        return
    fig.add_scatter(
        x=x,
        y=y,
        mode="markers+text",
        orientation="h" if horizontal else "v",  # grouped beside the bars they stand for
        marker={"symbol": "square", "size": 11, "color": status_colour("suppressed")},
        text=[t("suppressed")] * len(x),
        textposition="middle right" if horizontal else "top center",
        textfont={"color": GREY, "size": 11},
        name=t("suppressed (hidden for privacy)"),
        legendgroup="suppressed",
        showlegend=not any(trace.legendgroup == "suppressed" for trace in fig.data),
        hovertext=hover or [t("suppressed")] * len(x),
        hovertemplate="%{hovertext}<extra></extra>",
        cliponaxis=False,
        **kw,
    )


def _donor_note(data: pd.DataFrame, note: str) -> str:
    """A title note on IOM screens only, where some shown figures are hidden from donors."""
    return note if (data["donor_hidden"] & ~data["hidden"]).any() else ""


def _hatched() -> str:
    return t(" (hatched: hidden from donors)")


def _stage_target_marks(fig: go.Figure, data: pd.DataFrame, targets: pd.DataFrame) -> None:
    """A tick at each stage's target for the period, where an indicator of the plan sets one."""
    totals = targets.groupby("stage")["target"].sum() if not targets.empty else pd.Series()
    marked = data[data["stage"].isin(totals.index)]
    if marked.empty:
        return
    values = [float(totals[stage]) for stage in marked["stage"]]
    fig.add_scatter(
        x=values,
        y=marked["label"],
        mode="markers+text",
        name=t("target for the period"),
        marker={"symbol": "line-ns", "size": 26, "line": {"width": 3, "color": BLACK}},
        text=[t("target {n}", n=number(v)) for v in values],
        textposition="top center",
        hovertemplate="%{y}: " + t("target") + " %{x:,.0f}<extra></extra>",
    )


def funnel_chart(
    data: pd.DataFrame, *, context: ChartContext, targets: pd.DataFrame | None = None
) -> go.Figure:
    """Identified > referred > assisted > plan started > plan completed (people), with the
    period's target of each stage the plan sets one for."""
    title = t("Reintegration funnel")  # bar labels: people · share of identified
    if data.empty or (data["count"].fillna(0).sum() == 0 and not data["hidden"].any()):
        return empty_figure(title=title, context=context, message=t("No figures for these filters"))
    shown = data[~data["hidden"]]
    labels = [
        _number(c, d) + (f" · {percent(s)}" if pd.notna(s) and i else "")
        for i, (c, d, s) in enumerate(
            zip(shown["count"], shown["donor_hidden"], shown["share_of_identified"], strict=True)
        )
    ]
    fig = go.Figure()
    fig.add_bar(
        x=shown["count"],
        y=shown["label"],
        orientation="h",
        marker={
            "color": PALETTE[0],
            "pattern": {"shape": [DONOR_HATCH if d else "" for d in shown["donor_hidden"]]},
        },
        text=labels,
        textposition="auto",
        name=t("People"),
        showlegend=False,
        hovertemplate="%{y}: %{x:,} " + t("people") + "<extra></extra>",
    )
    hidden = data[data["hidden"]]
    _suppressed_markers(fig, x=[0] * len(hidden), y=list(hidden["label"]), horizontal=True)
    if targets is not None:
        _stage_target_marks(fig, data, targets)
    fig.update_yaxes(categoryorder="array", categoryarray=list(data["label"])[::-1])
    fig.update_xaxes(rangemode="tozero")
    return finish(
        _category_axis_clear(fig),
        title=title + _donor_note(data, _hatched()),
        context=context,
        x_title=t("People (number; % of identified)"),
        y_title=None,
        height=380,
        source_drop=HORIZONTAL_DROP,
        unapproved=includes_unapproved(data),
    )


def _trend_targets(fig: go.Figure, data: pd.DataFrame, targets: pd.DataFrame) -> None:
    """Each stage's quarterly target, dashed in the stage's colour."""
    colours = dict(zip(data["stage"].drop_duplicates(), PALETTE, strict=False))
    labels = dict(zip(data["stage"], data["label"], strict=False))
    for stage, rows in targets.groupby("stage", sort=False):
        fig.add_scatter(
            x=rows["quarter"],
            y=rows["target"],
            mode="lines",
            name=t("{stage}: target", stage=labels.get(stage, stage)),
            line={"color": colours.get(stage, GREY), "dash": "dash", "width": 1.5},
            hovertemplate="%{x}: " + t("target") + " %{y:,.0f}<extra></extra>",
        )


def trend_chart(
    data: pd.DataFrame, *, context: ChartContext, targets: pd.DataFrame | None = None
) -> go.Figure:
    """People at each funnel stage per quarter, with the quarterly targets the plan sets;
    quarters not yet approved are shaded."""
    title = t("Quarterly trend")
    if data.empty:
        return empty_figure(title=title, context=context, message=t("No figures for these filters"))
    fig = go.Figure()
    for colour, (_stage, rows) in zip(PALETTE, data.groupby("stage", sort=False), strict=False):
        fig.add_scatter(
            x=rows["quarter"],
            y=rows["count"].where(~rows["hidden"], None),
            mode="lines+markers",
            name=str(rows["label"].iloc[0]),
            line={"color": colour, "width": 2},
            marker={
                "color": colour,
                "size": 8,
                "symbol": ["circle-open" if d else "circle" for d in rows["donor_hidden"]],
            },
            connectgaps=False,
            hovertemplate="%{x}: %{y:,} " + t("people") + "<extra>%{fullData.name}</extra>",
        )
    # One marker per quarter, its hover naming every stage hidden there.
    hidden = data[data["hidden"]].groupby("quarter", sort=True)["label"].agg(", ".join)
    hover = [t("{quarter}: {stages} suppressed", quarter=q, stages=s) for q, s in hidden.items()]
    _suppressed_markers(
        fig, x=list(hidden.index), y=[0] * len(hidden), horizontal=False, hover=hover
    )
    if targets is not None and not targets.empty:
        _trend_targets(fig, data, targets[targets["quarter"].isin(set(data["quarter"]))])
    quarters = sorted(data["quarter"].unique())
    _shade_unapproved(fig, data, quarters)
    fig.update_xaxes(type="category", categoryorder="array", categoryarray=quarters)
    fig.update_yaxes(rangemode="tozero")
    note = _donor_note(data, t(" (open points: hidden from donors)"))
    return finish(
        fig,
        title=title + note,
        context=context,
        top=165,  # five stages wrap to three legend rows on a phone
        source_drop=ANGLED_DROP,
        x_title=t("Quarter"),
        y_title=t("People (number)"),
        unapproved=includes_unapproved(data),
    )


def _shade_unapproved(fig: go.Figure, data: pd.DataFrame, quarters: list[str]) -> None:
    """Shade quarters whose figures are not all approved (IOM screens only have them)."""
    for quarter in sorted(data.loc[data["unapproved"] > 0, "quarter"].unique()):
        position = quarters.index(quarter)  # category axes place quarter k at x = k
        fig.add_vrect(
            x0=position - 0.5,
            x1=position + 0.5,
            fillcolor=GREY,
            opacity=0.15,
            line_width=0,
            annotation_text=t("not yet approved"),
            annotation_position="top",
            annotation_font={"size": 10, "color": "#555"},
        )


def breakdown_chart(
    data: pd.DataFrame, *, context: ChartContext, title: str, category_title: str
) -> go.Figure:
    """People by category (region or age band) and sex; totals are left to the table."""
    inner = data[(data["category"] != "Total") & (data["sex"] != "Total")]
    if inner.empty:
        return empty_figure(title=title, context=context, message=t("No figures for these filters"))
    order = list(dict.fromkeys(inner["label"]))
    fig = go.Figure()
    for sex, rows in inner.groupby("sex", sort=False):
        shown = rows[~rows["hidden"]]
        fig.add_bar(
            x=shown["count"],
            y=shown["label"],
            orientation="h",
            name=t("Female") if sex == "female" else t("Male"),
            offsetgroup=str(sex),
            marker={
                "color": SEX_COLOURS.get(str(sex), GREY),
                "pattern": {"shape": [DONOR_HATCH if d else "" for d in shown["donor_hidden"]]},
            },
            text=[
                _number(c, d) for c, d in zip(shown["count"], shown["donor_hidden"], strict=True)
            ],
            textposition="outside",
            cliponaxis=False,
            hovertemplate="%{y}: %{x:,} " + t("people") + "<extra>%{fullData.name}</extra>",
        )
    for sex, rows in inner[inner["hidden"]].groupby("sex", sort=False):
        _suppressed_markers(
            fig, x=[0] * len(rows), y=list(rows["label"]), horizontal=True, offsetgroup=str(sex)
        )
    fig.update_layout(barmode="group", scattermode="group")
    fig.update_xaxes(rangemode="tozero")
    fig.update_yaxes(categoryorder="array", categoryarray=order[::-1])
    return finish(
        _category_axis_clear(fig),
        title=title + _donor_note(inner, _hatched()),
        context=context,
        x_title=t("People (number)"),
        y_title=category_title,
        height=max(360, 120 + 46 * len(order)),
        source_drop=HORIZONTAL_DROP,
        unapproved=includes_unapproved(data),
    )


def score_chart(
    data: pd.DataFrame, *, context: ChartContext, threshold: float | None = None
) -> go.Figure:
    """Mean sustainability score (0 to 1) by dimension, weighted by plans completed, with the
    score the plan counts a reintegration as sustainable from."""
    title = t("Reintegration sustainability scores")
    overall = data[data["group"] == "Total"] if not data.empty else data
    if overall.empty:
        return empty_figure(title=title, context=context, message=t("No scores for these filters"))
    shown = overall[~overall["hidden"]]
    people = [
        t("n = suppressed") if h else t("n = {n}", n=number(round(n)))
        for n, h in zip(shown["people"], shown["people_hidden"], strict=True)
    ]
    fig = go.Figure()
    fig.add_bar(
        x=shown["score"],
        y=shown["dimension_label"],
        orientation="h",
        marker={
            "color": [
                PALETTE[2] if d != "score_composite" else PALETTE[0] for d in shown["dimension"]
            ]
        },
        text=[f"{number(s, 2)} ({p})" for s, p in zip(shown["score"], people, strict=True)],
        textposition="auto",
        showlegend=False,
        hovertemplate="%{y}: %{x:.2f}<extra></extra>",
    )
    hidden = overall[overall["hidden"]]
    _suppressed_markers(
        fig, x=[0] * len(hidden), y=list(hidden["dimension_label"]), horizontal=True
    )
    if threshold is not None:
        fig.add_vline(
            x=threshold,
            line={"color": BLACK, "dash": "dash", "width": 2},
            annotation_text=t("{score}: sustainable", score=number(threshold, 2)),
            annotation_position="top",
        )
    fig.update_xaxes(range=[0, 1])
    fig.update_yaxes(categoryorder="array", categoryarray=list(overall["dimension_label"])[::-1])
    return finish(
        _category_axis_clear(fig),
        title=title,
        context=context,
        x_title=t("Mean score (0 = lowest, 1 = highest)"),
        y_title=None,
        height=340,
        source_drop=HORIZONTAL_DROP,
    )
