"""Charts of activities and milestones: the Gantt timeline."""

import re
import textwrap
from datetime import date

import pandas as pd
import plotly.graph_objects as go

from grantmon.charts.style import (
    BLUE,
    ORANGE,
    PURPLE,
    SKY,
    YELLOW,
    ChartContext,
    empty_figure,
    finish,
    status_colour,
    status_label,
    typed_text_shown,
)
from grantmon.formatting import long_date, percent_sign
from grantmon.i18n import t
from grantmon.vocabulary import word

# Bars avoid the status colours (green, vermilion, grey) so milestone markers stand out on them.
BAR_COLOURS = [SKY, ORANGE, PURPLE, YELLOW, BLUE]
# Each state has its own marker shape as well as its colour (never colour alone).
STATE_SYMBOLS = {
    "completed": "circle",
    "on track": "diamond",
    "late": "x",
    "not started": "circle-open",
    "cancelled": "x-thin-open",
}
GROUPINGS = ("component", "partner")
# Text people typed or imported: drawn as typed, never as chart markup.
TYPED_COLUMNS = ("activity", "title", "component", "partner")
ROW_HEIGHT = 40  # two lines of an activity's name
# A timeline taller than this many activities is shown a page at a time: one chart of a thousand
# rows would be metres tall and slow to send on every rerun.
ACTIVITIES_PER_PAGE = 40
HEADER = "\u00a7 "  # marks a group's header row among the row keys
DIGITS = re.compile(r"(\d+)")
# An activity's name on the axis: two lines at most, so a row stays one row high.
NAME_WIDTH, NAME_LINES = 34, 2
LEGEND_ROW = 20  # px of one legend entry when a narrow chart stacks them one a line
LEGEND_TOP = 64  # px from the top of the chart to the legend: below the title and filters
LEGEND_GAP = 24  # px at least between the legend and the plot: room for the "Today" label


def natural_key(code: str) -> tuple:
    """A sort key that reads the numbers in a code as numbers: A9 before A10, A5.1 before A5.2."""
    # re.split with a group alternates text and digits, so keys of any two codes compare.
    return tuple(int(part) if part.isdigit() else part.casefold() for part in DIGITS.split(code))


def activity_rows(frame: pd.DataFrame, group_by: str) -> pd.DataFrame:
    """One row per activity in reading order: by code, numbers as numbers, each group together
    (groups in the order of their first activity, so A1.1 comes first)."""
    activities = frame.drop_duplicates("activity_code")
    activities = activities.sort_values("activity_code", key=lambda codes: codes.map(natural_key))
    first_seen = {group: n for n, group in enumerate(activities[group_by].drop_duplicates())}
    return activities.sort_values(group_by, key=lambda g: g.map(first_seen), kind="stable")


def _rows(frame: pd.DataFrame, group_by: str) -> pd.DataFrame:
    """The activities in reading order, with their row key and planned span as timestamps."""
    activities = activity_rows(frame, group_by).copy()
    activities["row"] = _row_key(activities)
    activities["planned_start"] = pd.to_datetime(activities["planned_start"])
    activities["planned_end"] = pd.to_datetime(activities["planned_end"])
    return activities


def activity_count(frame: pd.DataFrame) -> int:
    """How many activities (rows of the timeline) these milestones belong to."""
    return int(frame["activity_code"].nunique())


def page_of_timeline(frame: pd.DataFrame, group_by: str, page: int) -> pd.DataFrame:
    """The milestones of the activities on one page of the timeline (pages count from 0)."""
    codes = activity_rows(frame, group_by)["activity_code"]
    shown = codes.iloc[page * ACTIVITIES_PER_PAGE : (page + 1) * ACTIVITIES_PER_PAGE]
    return frame[frame["activity_code"].isin(shown)]


def _row_key(frame: pd.DataFrame) -> pd.Series:
    return frame["activity_code"] + " · " + frame["partner"]


def _row_order(activities: pd.DataFrame, group_by: str) -> list[str]:
    """Row keys from top to bottom, a header row (HEADER + group name) before each group."""
    order: list[str] = []
    for group, rows in activities.groupby(group_by, sort=False):
        order += [f"{HEADER}{group}", *rows["row"]]
    return order


def _activity_bars(activities: pd.DataFrame, group_by: str, order: list[str]) -> go.Figure:
    """One bar per activity over its planned span, coloured by group; rows top down in order."""
    # The bars px.timeline would draw (a base date and a length in milliseconds on a date axis),
    # built directly: px.timeline takes several times as long, on every first render.
    fig = go.Figure()
    for number, (group, rows) in enumerate(activities.groupby(group_by, sort=False)):
        fig.add_trace(
            go.Bar(
                base=rows["planned_start"],
                x=(rows["planned_end"] - rows["planned_start"]).dt.total_seconds() * 1000,
                y=rows["row"],
                orientation="h",
                name=str(group),
                customdata=rows[["activity", "component", "partner"]]
                .assign(span=_spans(rows["planned_start"], rows["planned_end"]))
                .to_numpy(),
                marker={"color": BAR_COLOURS[number % len(BAR_COLOURS)], "opacity": 0.45},
                showlegend=False,
                hovertemplate=(
                    "<b>%{customdata[0]}</b><br>%{customdata[1]} · %{customdata[2]}<br>"
                    + t("Planned")
                    + ": %{customdata[3]}<extra></extra>"
                ),
            )
        )
    fig.update_layout(
        barmode="overlay",
        xaxis={"type": "date"},
        yaxis={"categoryorder": "array", "categoryarray": order[::-1]},
    )
    return fig


def _spans(starts: pd.Series, ends: pd.Series) -> list[str]:
    """Each activity's planned span in words, for its hover text."""
    return [f"{long_date(s)} – {long_date(e)}" for s, e in zip(starts, ends, strict=True)]


def _axis_labels(fig: go.Figure, activities: pd.DataFrame, order: list[str]) -> None:
    """Name every row on the axis, outside the plot, so no bar or marker ever covers a name:
    each group in bold on its own row, then its activities (code, name, partner)."""
    headers = [row for row in order if row.startswith(HEADER)]
    # An invisible point per header row makes the axis keep that row.
    fig.add_trace(
        go.Scatter(
            x=[activities["planned_start"].min()] * len(headers),
            y=headers,
            mode="markers",
            marker={"opacity": 0},
            hoverinfo="skip",
            showlegend=False,
        )
    )
    names = dict(zip(activities["row"], _activity_labels(activities), strict=True))
    labels = [
        f"<b>{row.removeprefix(HEADER)}</b>" if row in headers else names[row] for row in order
    ]
    fig.update_yaxes(
        tickmode="array", tickvals=order, ticktext=labels, automargin=True, tickfont_color="#222"
    )


def _activity_labels(activities: pd.DataFrame) -> list[str]:
    """Each activity as its axis label: code, name (two lines at most) and partner."""
    labels = []
    for code, name, partner in activities[["activity_code", "activity", "partner"]].to_numpy():
        lines = textwrap.wrap(f"{code} {name}", NAME_WIDTH, max_lines=NAME_LINES, placeholder=" …")
        labels.append("<br>".join(lines) + f" · {partner}")
    return labels


def _span_legend_entry(fig: go.Figure) -> None:
    """A legend entry saying what a bar is (the bars themselves stay out of the legend)."""
    fig.add_trace(
        go.Scatter(
            x=[None],
            y=[None],
            mode="markers",
            name=t("planned span of an activity"),
            marker={"symbol": "square", "size": 14, "color": SKY, "opacity": 0.6},
        )
    )


def _milestone_markers(fig: go.Figure, frame: pd.DataFrame) -> None:
    """One trace per state, so the legend names each state with its symbol."""
    rows = _row_key(frame)
    for state, symbol in STATE_SYMBOLS.items():
        chosen = frame["state"] == state
        if not chosen.any():
            continue
        part = frame[chosen]
        late = state == "late"
        fig.add_trace(
            go.Scatter(
                x=pd.to_datetime(part["due_date"]),
                y=rows[chosen],
                mode="markers+text" if late else "markers",
                # The legend draws the marker's own shape: the name adds no second symbol.
                name=word(state),
                text=["⚠"] * len(part) if late else None,
                textposition="top center",
                textfont={"color": status_colour(state), "size": 14},
                marker={
                    "symbol": symbol,
                    "size": 14 if late else 11,
                    "color": status_colour(state),
                    "line": {"width": 1.5, "color": "white" if not late else status_colour(state)},
                },
                customdata=part[["code", "title", "percent_complete"]]
                .assign(due=part["due_date"].map(long_date))
                .to_numpy(),
                hovertemplate=(
                    "<b>%{customdata[0]}</b> %{customdata[1]}<br>"
                    + t("Due")
                    + ": %{customdata[3]}<br>"
                    + status_label(state)
                    + " · %{customdata[2]}"
                    + percent_sign()
                    + " "
                    + t("complete")
                    + "<extra></extra>"
                ),
            )
        )


def _today_line(fig: go.Figure, today: date) -> None:
    # A shape plus an annotation: add_vline's own annotation fails on date axes.
    fig.add_shape(
        type="line",
        x0=today.isoformat(),
        x1=today.isoformat(),
        xref="x",
        yref="paper",
        y0=0,
        y1=1,
        line={"color": "#333", "width": 1.5, "dash": "dash"},
    )
    fig.add_annotation(
        x=today.isoformat(),
        xref="x",
        yref="paper",
        y=1,
        yanchor="bottom",
        text=t("Today, {day}", day=long_date(today)),
        showarrow=False,
        font={"size": 11, "color": "#333"},
    )


def milestone_gantt(
    frame: pd.DataFrame,
    *,
    context: ChartContext,
    today: date,
    group_by: str = "component",
    part: str = "",
) -> go.Figure:
    """Activities as bars over their planned span, milestones as markers by state, a today line."""
    # `part` names the page of a long timeline, so an exported image says what it shows.
    title = t("Activities and milestones") + (f" ({part})" if part else "")
    if frame.empty:
        return empty_figure(
            title=title, context=context, message=t("No milestones match these filters.")
        )
    frame = typed_text_shown(frame, TYPED_COLUMNS)
    activities = _rows(frame, group_by)
    order = _row_order(activities, group_by)
    fig = _activity_bars(activities, group_by, order)
    _axis_labels(fig, activities, order)
    _span_legend_entry(fig)
    _milestone_markers(fig, frame)
    _today_line(fig, today)
    height = 260 + ROW_HEIGHT * len(order)
    finish(fig, title=title, context=context, x_title=t("Date"), height=height, top=_top(fig))
    # The legend sits right under the title, so the room a phone needs to stack its entries is
    # left between the legend and the plot, never between the title and a one-line legend.
    fig.update_layout(legend={"yref": "container", "y": 1 - LEGEND_TOP / height, "yanchor": "top"})
    return fig


def _top(fig: go.Figure) -> int:
    """Room above the plot for the title and the legend as a phone stacks it, one entry a line."""
    entries = sum(trace.showlegend is not False for trace in fig.data)
    return LEGEND_TOP + LEGEND_ROW * entries + LEGEND_GAP
