"""The look every chart shares: colour-blind-safe palette, titles, units, source line."""

import html
import textwrap
from collections.abc import Iterable
from dataclasses import dataclass

import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio
from babel.dates import get_day_names, get_month_names

from grantmon.formatting import long_date, plotly_separators, quarter_label
from grantmon.i18n import N_, SOURCE_LANGUAGE, current_language, t
from grantmon.periods import QUARTER_PATTERN, quarter_end
from grantmon.vocabulary import INTERNAL, word

# Okabe-Ito: distinguishable with the common colour-vision deficiencies.
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000"]
BLUE, ORANGE, GREEN, VERMILION, PURPLE, SKY, YELLOW, BLACK = PALETTE
GREY = "#8C8C8C"
SOURCE_WIDTH = 60  # characters per line of the source note: it fits a 390 px phone
SOURCE_LINE_PX = 14  # one line of the 10 px source note, with its spacing
TITLE_LINE_PX = 14  # the height of the title's first line
TITLE_ROOM = 80  # above the plot: the title and its line of filters, when there is no legend
FONT = {"family": "Source Sans Pro, Arial, sans-serif", "size": 13}


def _house_template() -> go.layout.Template:
    """plotly_white's layout (and bar style) with the palette and font, as the default template."""
    # The full plotly_white template styles every trace type and is deep-copied into each
    # figure, which cost more than drawing the chart; the layout part is all the charts use.
    white = pio.templates["plotly_white"]
    template = go.layout.Template(layout=white.layout, data={"bar": white.data.bar})
    template.layout.colorway = PALETTE
    template.layout.font = FONT
    return template


pio.templates["grantmon"] = _house_template()
pio.templates.default = "grantmon"

# Status is never shown by colour alone: each has a symbol and a word too.
STATUS_STYLE = {
    "on track": (GREEN, "●"),
    "above": (BLUE, "▲"),
    "below": (VERMILION, "▼"),
    "no data": (GREY, "○"),
    "late": (VERMILION, "⚠"),
    "completed": (GREEN, "✔"),
    "in progress": (BLUE, "◐"),
    "not started": (GREY, "○"),
    "cancelled": (GREY, "✖"),
    "on plan": (GREEN, "●"),
    "over plan": (VERMILION, "▲"),
    "under plan": (ORANGE, "▼"),
    "suppressed": (GREY, "■"),
    # Verdicts of the award and its areas ("on track" as above)
    "at risk": (ORANGE, "◆"),
    "behind": (VERMILION, "▼"),
    "not assessed": (GREY, "○"),
}


def status_label(status: str) -> str:
    """A status as symbol and words in the reader's language, e.g. '⚠ late'."""
    symbol = STATUS_STYLE.get(status, (GREY, "•"))[1]
    return f"{symbol} {word(status)}"


def status_colour(status: str) -> str:
    """The palette colour that goes with a status."""
    return STATUS_STYLE.get(status, (GREY, "•"))[0]


@dataclass(frozen=True)
class ChartContext:
    """What every chart states besides its data: active filters and where the data come from."""

    filters_text: str = ""
    source_text: str = ""


def finish(
    fig: go.Figure,
    *,
    title: str,
    context: ChartContext,
    x_title: str | None = None,
    y_title: str | None = None,
    height: int = 420,
    top: int = 110,
    source_drop: int = 70,
    legend_gap: int = 8,
    footnote: str = "",
    unapproved: bool = False,
) -> go.Figure:
    """Apply the house layout: title with filters, legend, axis titles, source line below.

    Everything is placed in pixels, clear of its neighbours at any height and on a phone:
    `top` is the room above the plot for the title, its filters and a legend that may wrap
    (a chart without a legend needs less); the legend sits `legend_gap` above the plot; the
    source line (and a `footnote`, such as a map's disclaimer) starts `source_drop` below the
    plot, under the tick labels and the axis title, and the bottom margin fits its lines. A
    chart drawn from a figure not yet approved (`unapproved`, which no donor's data can be)
    carries the internal mark there, on screen and in every file made from it.
    """
    subtitle = f"<br><sup>{context.filters_text}</sup>" if context.filters_text else ""
    has_legend = any(trace.showlegend is not False for trace in fig.data)
    lines = [
        line
        for text in (context.source_text, footnote)
        for line in textwrap.wrap(text, SOURCE_WIDTH)
    ]
    if unapproved:
        lines = _internal_mark() + lines
    bottom = source_drop + SOURCE_LINE_PX * len(lines) + 10
    top = top if has_legend else TITLE_ROOM
    fig.update_layout(
        title={
            "text": f"{title}{subtitle}",
            "x": 0,
            "xanchor": "left",
            "y": 1,
            "yref": "container",
            "yanchor": "top",
            # Plotly places a title of two lines one line too high when anchoring its top.
            "pad": {"t": 12 + (TITLE_LINE_PX if subtitle else 0)},
        },
        height=height,
        margin={"l": 10, "r": 10, "t": top, "b": bottom},
        legend={
            "orientation": "h",
            "yanchor": "bottom",
            "y": 1 + legend_gap / max(height - top - bottom, 1),
            "x": 0,
            "title": None,
        },
    )
    if x_title is not None:
        fig.update_xaxes(title_text=x_title)
    if y_title is not None:
        fig.update_yaxes(title_text=y_title)
    _for_readers(fig)
    if lines:
        fig.add_annotation(
            text="<br>".join(lines),
            xref="paper",
            yref="paper",
            x=0,
            y=0,
            yshift=-source_drop,
            xanchor="left",
            yanchor="top",
            showarrow=False,
            align="left",
            font={"size": 10, "color": "#555"},
        )
    return fig


def _internal_mark() -> list[str]:
    """The internal mark and what it means, as two lines of the source note."""
    mark = f'<span style="color:{VERMILION}"><b>{html.escape(t(INTERNAL))}</b></span>'
    return [mark, html.escape(t("Includes figures not yet approved (open markers)."))]


def includes_unapproved(data: pd.DataFrame) -> bool:
    """Whether a chart's data holds a figure not yet approved (its 'unapproved' count, or an
    'approved' flag that is false somewhere); a donor's data never does."""
    if "unapproved" in data:
        return bool((pd.to_numeric(data["unapproved"], errors="coerce").fillna(0) > 0).any())
    if "approved" in data:
        return not bool(data["approved"].astype(bool).all())
    return False


def unapproved_markers(symbol: str, unapproved: "pd.Series | None") -> str | list[str]:
    """A marker symbol per point: open where the point includes a figure not yet approved."""
    if unapproved is None or not bool(unapproved.any()):
        return symbol
    return [f"{symbol}-open" if flag else symbol for flag in unapproved.fillna(False)]


def as_of_marker(fig: go.Figure, quarter: str) -> None:
    """A dotted line at the as-of quarter on every plot of the chart, every comparison being
    measured there, named once at the top of the first plot."""
    x = quarter_label(quarter)
    for axis in fig.select_xaxes():
        name = axis.plotly_name.replace("axis", "")  # xaxis2 -> x2
        rows = axis.anchor or "y"
        fig.add_shape(
            type="line",
            xref=name,
            yref=f"{rows} domain",
            x0=x,
            x1=x,
            y0=0,
            y1=1,
            line={"color": GREY, "dash": "dot", "width": 1},
        )
    fig.add_annotation(
        text=t("as of {day}", day=long_date(quarter_end(quarter))),
        x=x,
        xref="x",
        y=1,
        yref="y domain",
        xanchor="right",
        yanchor="top",  # inside the plot, clear of the legend above it
        xshift=-4,
        showarrow=False,
        font={"size": 11, "color": "#555"},
    )


def empty_figure(*, title: str, context: ChartContext, message: str) -> go.Figure:
    """A chart that says plainly there is nothing to draw for these filters."""
    fig = go.Figure()
    fig.add_annotation(
        text=message,
        xref="paper",
        yref="paper",
        x=0.5,
        y=0.5,
        showarrow=False,
        font={"size": 16, "color": "#555"},
    )
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    return finish(fig, title=title, context=context, height=300)


# What plotly.js writes itself (the toolbar over a chart), translated through the catalogue.
PLOTLY_WORDS = [
    N_("Download plot as a PNG"),
    N_("Download plot"),
    N_("Zoom"),
    N_("Pan"),
    N_("Box Select"),
    N_("Lasso Select"),
    N_("Zoom in"),
    N_("Zoom out"),
    N_("Autoscale"),
    N_("Reset axes"),
    N_("Reset view"),
    N_("Reset"),
    N_("Show closest data on hover"),
    N_("Compare data on hover"),
    N_("Toggle show closest data on hover"),
    N_("Toggle Spike Lines"),
    N_("Preparing image - this may take a few seconds"),
    N_("Image download succeeded"),
    N_("Double-click to zoom back out"),
]


def plotly_locale() -> dict:
    """plotly.js options so its own toolbar, dates and numbers speak the reader's language."""
    language = current_language()
    if language == SOURCE_LANGUAGE:
        return {}
    words = {"dictionary": {w: t(w) for w in PLOTLY_WORDS}, "format": _calendar(language)}
    return {"locale": language, "locales": {language: words}}


def _calendar(language: str) -> dict:
    """Month and day names (Sunday first, as plotly.js counts) and separators, from Babel."""
    months = [get_month_names("wide", locale=language)[m] for m in range(1, 13)]
    short = [get_month_names("abbreviated", locale=language)[m] for m in range(1, 13)]
    days = [get_day_names("wide", locale=language)[d] for d in (6, 0, 1, 2, 3, 4, 5)]
    short_days = [get_day_names("abbreviated", locale=language)[d] for d in (6, 0, 1, 2, 3, 4, 5)]
    decimal, thousands = plotly_separators()[0], plotly_separators()[1]
    return {
        "months": months,
        "shortMonths": short,
        "days": days,
        "shortDays": short_days,
        "decimal": decimal,
        "thousands": thousands,
    }


def _is_quarters(values: object) -> bool:
    if values is None or isinstance(values, str):
        return False
    items = list(values)  # type: ignore[call-overload]
    return bool(items) and all(isinstance(v, str) and QUARTER_PATTERN.match(v) for v in items)


def _for_readers(fig: go.Figure) -> None:
    """Numbers, quarters and units written the reader's way (Q3 2025; 1 234,5 and T3 2025 in
    French)."""
    fig.update_layout(separators=plotly_separators())
    for trace in fig.data:
        for axis in ("x", "y"):
            if _is_quarters(getattr(trace, axis, None)):
                trace[axis] = [quarter_label(q) for q in trace[axis]]
    for axis in [*fig.select_xaxes(), *fig.select_yaxes()]:
        if _is_quarters(axis.categoryarray):
            axis.categoryarray = [quarter_label(q) for q in axis.categoryarray]
    if current_language() != "en":
        _in_french(fig)


def _in_french(fig: go.Figure) -> None:
    """French spacing before colons and percent signs, the currency after the amount."""
    for trace in fig.data:
        if getattr(trace, "hovertemplate", None):  # our own labels: French spaces its colons
            trace.hovertemplate = trace.hovertemplate.replace(": ", "\u202f: ")
    for axis in [*fig.select_xaxes(), *fig.select_yaxes()]:
        if axis.tickprefix == "$":  # French puts the currency after the amount
            axis.update(tickprefix="", ticksuffix="\u00a0$")
        if axis.ticksuffix == "%":
            axis.ticksuffix = "\u202f%"
        if axis.type == "date":  # Plotly names months in English only: 01/2025 reads in any
            axis.tickformat = "%m/%Y"


def typed_text_shown(frame: pd.DataFrame, columns: Iterable[str]) -> pd.DataFrame:
    """A copy whose typed text columns show tags as typed (Plotly draws <b>, <br>, <a href>)."""
    escaped = {
        column: frame[column].map(
            lambda value: html.escape(value, quote=False) if isinstance(value, str) else value
        )
        for column in columns
        if column in frame
    }
    return frame.assign(**escaped)
