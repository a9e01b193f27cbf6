"""The regions map (offline MapLibre, own boundaries) and a region's drill-down charts."""

import textwrap
from typing import Any

import pandas as pd
import plotly.graph_objects as go

from grantmon.charts.style import (
    BLACK,
    BLUE,
    GREY,
    ORANGE,
    PALETTE,
    PURPLE,
    ChartContext,
    empty_figure,
    finish,
    includes_unapproved,
    typed_text_shown,
)
from grantmon.formatting import number, region_name
from grantmon.i18n import N_, t
from grantmon.vocabulary import word

OFFLINE_STYLE = "white-bg"  # draws from our own GeoJSON only: no tiles, works offline
TILE_STYLE = "carto-positron"  # street basemap: needs the internet
DISCLAIMER = N_(
    "This map is for illustration purposes only. Names and boundaries on this map do not imply "
    "official endorsement or acceptance by IOM."
)
SCALE = [[0.0, "#EAF3FA"], [0.5, "#6AAED6"], [1.0, "#0B4F8A"]]  # one hue, light to dark
SUPPRESSED_FILL = "#A6A6A6"
OUTSIDE_FILL = "#F2F2F2"
NO_DATA_FILL = "#DADADA"
VICTIM_COLUMNS = ("victims_assisted", "victims_per_100k")
# Centre status: each has its own word and symbol in the legend and hover, not colour alone.
CENTRE_STATUS = {
    "open": (ORANGE, "●"),
    "not yet open": (PURPLE, "◐"),
    "planned": (PURPLE, "○"),
    "closed": (BLACK, "✖"),
}
MAP_HEIGHT = 640
# Frames all 12 regions (lon -17.1..-1.0, lat 20.8..35.9) even in a 390 px phone's width.
CENTRE, ZOOM = {"lat": 28.4, "lon": -9.05}, 3.85
SERIES_COLOURS = [BLUE, ORANGE, PALETTE[2]]


def disclaimer() -> str:
    """The standard map disclaimer (IOM practice), translated."""
    return t(DISCLAIMER)


def _region_layer(
    regions: pd.DataFrame, outlines: pd.DataFrame, *, z: Any, name: str, hover: str, **style: Any
) -> go.Choroplethmap:
    # Each layer carries only its own regions' outlines: the page sends each polygon once.
    features = list(outlines.loc[outlines["iso_code"].isin(regions["iso_code"]), "feature"])
    return go.Choroplethmap(
        geojson={"type": "FeatureCollection", "features": features},
        locations=regions["iso_code"],
        z=z,
        name=name,
        customdata=pd.DataFrame(
            {"name": _names(regions), "population": regions["population"].map(number)}
        ),
        hovertemplate="<b>%{customdata[0]}</b><br>" + hover + "<extra></extra>",
        marker={"line": {"color": "white", "width": 1.2}},
        **style,
    )


def _names(regions: pd.DataFrame) -> list[str]:
    """Each region's name with its Arabic name beside it (when the table has it)."""
    arabic = regions["name_ar"] if "name_ar" in regions else [None] * len(regions)
    return [region_name(name, ar) for name, ar in zip(regions["name"], arabic, strict=True)]


def _flat_layer(
    regions: pd.DataFrame, outlines: pd.DataFrame, *, colour: str, name: str, hover: str
) -> go.Choroplethmap:
    """Regions drawn in one flat colour, with a legend entry saying why."""
    return _region_layer(
        regions,
        outlines,
        z=[1] * len(regions),
        name=name,
        hover=hover,
        colorscale=[[0, colour], [1, colour]],
        showscale=False,
        showlegend=True,
    )


def _value_layer(
    regions: pd.DataFrame,
    outlines: pd.DataFrame,
    *,
    column: str,
    metric_title: str,
    value_format: str,
) -> go.Choroplethmap:
    values = pd.to_numeric(regions[column]).astype(float)
    hover = metric_title + ": %{z:" + value_format + "}<br>" + t("Population 2024") + ": "
    return _region_layer(
        regions,
        outlines,
        z=values.tolist(),
        name=metric_title,
        hover=hover + "%{customdata[1]}",
        colorscale=SCALE,
        zmin=0,
        zmax=max(float(values.max()), 1.0),
        # Horizontal, in the empty south-east corner: a side bar would squeeze a phone's map.
        colorbar={
            "title": {"text": "<br>".join(textwrap.wrap(metric_title, 24)), "side": "top"},
            "orientation": "h",
            "x": 1,
            "xanchor": "right",
            "y": 0.02,
            "yanchor": "bottom",
            "len": 0.42,
            "thickness": 10,
            "bgcolor": "rgba(255,255,255,0.85)",
        },
        showlegend=False,
    )


def _capacity_text(capacity: Any) -> str:
    if pd.isna(capacity):
        return t("capacity not public")
    return t("{beds} beds", beds=number(int(capacity)))


def _centre_layer(centres: pd.DataFrame, status: str) -> go.Scattermap:
    colour, symbol = CENTRE_STATUS.get(status, (GREY, "•"))
    centres = typed_text_shown(centres, ("name", "operator", "city"))
    capacity = pd.to_numeric(centres["capacity"]).astype(float)
    details = pd.DataFrame(
        {
            "name": centres["name"],
            "kind": centres["kind"].map(word),
            "operator": centres["operator"],
            "status": f"{symbol} {word(status)}",
            "capacity": centres["capacity"].map(_capacity_text),
            "city": centres["city"],
        }
    )
    return go.Scattermap(
        lat=centres["lat"],
        lon=centres["lon"],
        mode="markers",
        name=t("centre {status}", status=word(status)),
        marker={"size": (8 + capacity.fillna(9) ** 0.5 * 2).tolist(), "color": colour},
        customdata=details,
        hovertemplate=(
            "<b>%{customdata[0]}</b> (%{customdata[5]})<br>%{customdata[1]} · %{customdata[3]}"
            "<br>" + t("Operator") + ": %{customdata[2]}<br>%{customdata[4]}<extra></extra>"
        ),
    )


def region_map(
    regions: pd.DataFrame,
    centres: pd.DataFrame,
    outlines: pd.DataFrame,
    *,
    column: str,
    metric_title: str,
    title: str,
    context: ChartContext,
    value_format: str = ",.0f",
    map_style: str = OFFLINE_STYLE,
) -> go.Figure:
    """Regions coloured by one metric column, centres as points; regions outside the filter and
    suppressed ones are drawn apart and say so. `regions` is
    services.regions.reads.region_metrics; `outlines` has each region's GeoJSON feature by
    iso_code (services.regions.geography.region_outlines)."""
    if regions.empty:
        return empty_figure(title=title, context=context, message=t("No regions to show."))
    hidden = regions["victims_suppressed"].astype(bool) & regions[column].isna()
    outside = ~regions["in_filter"].astype(bool)
    # Only a victims metric can be "not reported"; centres and milestones are always counted.
    unreported = ~regions["victims_reported"].astype(bool) & ~outside & (column in VICTIM_COLUMNS)
    valued = regions[~hidden & ~outside & ~unreported]
    fig = go.Figure()
    if not outside.all():
        fig.add_trace(
            _value_layer(
                valued,
                outlines,
                column=column,
                metric_title=metric_title,
                value_format=value_format,
            )
        )
    if hidden.any():
        name = t("suppressed (too few to show)")
        fig.add_trace(
            _flat_layer(
                regions[hidden], outlines, colour=SUPPRESSED_FILL, name=name, hover="■ " + name
            )
        )
    if unreported.any():
        name = t("no victim figures reported")
        fig.add_trace(
            _flat_layer(regions[unreported], outlines, colour=NO_DATA_FILL, name=name, hover=name)
        )
    if outside.any():
        text = t("outside the region filter")
        fig.add_trace(
            _flat_layer(regions[outside], outlines, colour=OUTSIDE_FILL, name=text, hover=text)
        )
    for status, group in centres.groupby("status_at_end", sort=False):
        fig.add_trace(_centre_layer(group, str(status)))
    fig.update_layout(map={"style": map_style, "center": CENTRE, "zoom": ZOOM})
    return finish(
        fig,
        title=title,
        context=context,
        height=MAP_HEIGHT,
        top=140,  # the legend wraps on a phone
        source_drop=6,  # a map has no axis below it
        footnote=disclaimer(),
        unapproved=includes_unapproved(
            regions.rename(columns={"unapproved_assisted": "unapproved"})
        ),
    )


# --- Drill-down ----------------------------------------------------------------------------


def occupancy_chart(occupancy: pd.DataFrame, *, title: str, context: ChartContext) -> go.Figure:
    """Average beds occupied per quarter for each centre, against its capacity (dashed);
    quarters not yet approved (IOM staff only have them) are drawn as open circles."""
    if occupancy.empty:
        return empty_figure(
            title=title, context=context, message=t("No occupancy reported for these filters.")
        )
    fig = go.Figure()
    occupancy = typed_text_shown(occupancy, ("centre",))
    for index, (centre, rows) in enumerate(occupancy.groupby("centre", sort=True)):
        colour = PALETTE[index % len(PALETTE)]
        fig.add_trace(
            go.Scatter(
                x=rows["quarter"],
                y=rows["average_beds_occupied"],
                mode="lines+markers",
                name=str(centre),
                line={"color": colour, "width": 2.5},
                marker={"symbol": _approval_symbols(rows), "size": 8},
                hovertemplate="%{x}: %{y} "
                + t("beds occupied")
                + "<extra>%{fullData.name}</extra>",
            )
        )
        if rows["capacity"].notna().any():
            fig.add_trace(
                go.Scatter(
                    x=rows["quarter"],
                    y=rows["capacity"].astype(float),
                    mode="lines+markers",  # a marker too, so one quarter still shows it
                    name=t("{centre}: capacity", centre=centre),
                    line={"color": colour, "dash": "dash", "width": 1.5},
                    marker={"symbol": "line-ew-open", "size": 14, "color": colour},
                    hovertemplate="%{x}: %{y} " + t("beds") + "<extra>%{fullData.name}</extra>",
                )
            )
    if not occupancy["approved"].astype(bool).all():
        fig.add_trace(_legend_only_open_circle())
    return _finish_by_quarter(
        fig,
        title=title,
        context=context,
        y_title=t("Beds occupied (quarterly average)"),
        data=occupancy,
    )


def _approval_symbols(rows: pd.DataFrame) -> list[str]:
    """A filled circle for an approved quarter, an open one for a quarter not yet approved."""
    return ["circle" if ok else "circle-open" for ok in rows["approved"].astype(bool)]


def _legend_only_open_circle() -> go.Scatter:
    """A legend entry explaining the open circles of quarters not yet approved."""
    return go.Scatter(
        x=[None],
        y=[None],
        mode="markers",
        name=t("not yet approved"),
        legendrank=1002,
        marker={"symbol": "circle-open", "size": 9, "color": GREY},
        hoverinfo="skip",
    )


def victims_chart(
    victims: pd.DataFrame, *, series: dict[str, str], title: str, context: ChartContext
) -> go.Figure:
    """Victim counts per quarter, one bar per series (column -> label); suppressed cells are
    marked ■ and quarters not yet approved are hatched."""
    if victims.empty:
        return empty_figure(
            title=title, context=context, message=t("No victim figures for this region and period.")
        )
    hatch = ["" if ok else "/" for ok in victims["approved"]]
    fig = go.Figure()
    for index, (column, label) in enumerate(series.items()):
        fig.add_trace(
            go.Bar(
                x=victims["quarter"],
                y=victims[column].astype(float),
                name=label,
                offsetgroup=column,
                marker={"color": SERIES_COLOURS[index % 3], "pattern": {"shape": hatch}},
                hovertemplate="%{x}: %{y} <extra>" + label + "</extra>",
            )
        )
        _mark_suppressed(fig, victims, column, first=not any(_suppressed_traces(fig)))
    if not victims["approved"].all():
        fig.add_trace(_legend_only_hatch())
    fig.update_layout(scattermode="group", barmode="group")
    # Whole people: never a 0-to-1 axis with fractions when every cell is suppressed.
    highest = max(float(victims[column].astype(float).fillna(0).max()) for column in series)
    fig.update_yaxes(range=[0, max(5.0, highest * 1.08)])
    return _finish_by_quarter(
        fig, title=title, context=context, y_title=t("Victims (people)"), data=victims
    )


def _finish_by_quarter(
    fig: go.Figure, *, title: str, context: ChartContext, y_title: str, data: pd.DataFrame
) -> go.Figure:
    """A drill-down chart by quarter: level, thinned quarter labels (a phone would tilt them),
    a y-axis from zero, and the house finish with room for a legend that wraps."""
    fig.update_xaxes(type="category", tickangle=0, nticks=6)
    fig.update_yaxes(rangemode="tozero")
    return finish(
        fig,
        title=title,
        context=context,
        x_title=t("Quarter"),
        y_title=y_title,
        top=130,
        unapproved=includes_unapproved(data),
    )


def _suppressed_traces(fig: go.Figure) -> list[Any]:
    return [trace for trace in fig.data if trace.legendgroup == "suppressed"]


def _mark_suppressed(fig: go.Figure, victims: pd.DataFrame, column: str, *, first: bool) -> None:
    """A grey ■ at the foot of each suppressed bar, so a hidden cell never reads as zero."""
    quarters = victims.loc[victims[f"{column}_suppressed"].astype(bool), "quarter"]
    if quarters.empty:
        return
    fig.add_trace(
        go.Scatter(
            x=quarters,
            y=[0] * len(quarters),
            mode="markers",
            offsetgroup=column,
            legendgroup="suppressed",
            legendrank=1001,  # after the series in the legend
            showlegend=first,
            name=t("suppressed (too few)"),
            marker={"symbol": "square", "size": 9, "color": SUPPRESSED_FILL},
            cliponaxis=False,
            hovertemplate="%{x}: " + t("suppressed") + "<extra></extra>",
        )
    )


def _legend_only_hatch() -> go.Bar:
    """A legend entry explaining the hatching of quarters not yet approved."""
    return go.Bar(
        x=[None],
        y=[None],
        name=t("not yet approved"),
        legendrank=1002,
        marker={"color": "white", "pattern": {"shape": "/", "fgcolor": GREY}},
        hoverinfo="skip",
    )
