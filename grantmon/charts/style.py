"""The look every chart shares: colour-blind-safe palette, titles, units, source line."""

import textwrap
from dataclasses import dataclass

import plotly.graph_objects as go
import plotly.io as pio

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
}


def status_label(status: str) -> str:
    """A status as symbol and words, e.g. '⚠ late'."""
    symbol = STATUS_STYLE.get(status, (GREY, "•"))[1]
    return f"{symbol} {status}"


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
) -> go.Figure:
    """Apply the house layout: title with filters, legend, axis titles, source line below.

    Everything is placed in pixels, clear of its neighbours at any height and on a phone:
    `top` is the room above the plot for the title, its filters and a legend that may wrap
    (a chart without a legend needs less); the legend sits `legend_gap` above the plot; the
    source line (and a `footnote`, such as a map's disclaimer) starts `source_drop` below the
    plot, under the tick labels and the axis title, and the bottom margin fits its lines.
    """
    subtitle = f"<br><sup>{context.filters_text}</sup>" if context.filters_text else ""
    has_legend = any(trace.showlegend is not False for trace in fig.data)
    lines = [
        line
        for text in (context.source_text, footnote)
        for line in textwrap.wrap(text, SOURCE_WIDTH)
    ]
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
