"""A MapLibre map redrawn as flat shapes for image export: the same regions, view and legend.

A MapLibre figure needs WebGL, which a headless browser emulates in software (about 2 s an
image, against 0.2 s for a chart of shapes). For a PNG, SVG or PDF the regions are drawn as
filled polygons on plain axes in the same Web Mercator projection, centre and zoom, coloured
from the same colour scale, with the centres as markers: the picture is the same.
"""

import base64
import math
from itertools import pairwise
from typing import Any

import numpy as np
import plotly.graph_objects as go
from plotly.colors import hex_to_rgb, unlabel_rgb

FLAT_TYPES = {"choroplethmap", "scattermap"}
MAPLIBRE_TILE_PX = 512  # MapLibre draws the world 512 * 2**zoom pixels wide
SCATTERMAP_OPACITY = 0.7  # plotly.js's default marker opacity on a map
PLOTLY_MARGIN = {"l": 80, "r": 80, "t": 100, "b": 80}  # plotly's defaults, when unset


def has_map(fig: go.Figure) -> bool:
    """Whether the figure draws on a MapLibre map that can be redrawn flat."""
    types = {trace.type for trace in fig.data}
    return bool(types) and types <= FLAT_TYPES


def mercator_y(lat: float) -> float:
    """Web Mercator's northing, in degrees (so one unit is as long as a degree of longitude)."""
    return math.degrees(math.log(math.tan(math.pi / 4 + math.radians(lat) / 2)))


def flat_map(fig: go.Figure) -> go.Figure:
    """The map figure (laid out at its export size) as flat shapes; others as they are."""
    if not has_map(fig):
        return fig
    flat = go.Figure(layout=fig.layout)
    for trace in fig.data:
        if trace.type == "choroplethmap":
            flat.add_traces(_region_traces(trace))
        else:
            flat.add_trace(_centre_trace(trace))
    x_range, y_range = _view(fig)
    axis = {"visible": False, "showgrid": False, "zeroline": False, "fixedrange": True}
    flat.update_layout(
        map=None,
        xaxis={**axis, "range": x_range},
        # Equal scale both ways, as on a map, even should the plot area differ from the sum.
        yaxis={**axis, "range": y_range, "scaleanchor": "x", "scaleratio": 1},
        plot_bgcolor="white",
    )
    return flat


def _view(fig: go.Figure) -> tuple[list[float], list[float]]:
    """The axis ranges MapLibre shows at the figure's centre and zoom in its plot area."""
    layout = fig.layout
    margin = {side: getattr(layout.margin, side) for side in PLOTLY_MARGIN}
    margin = {side: PLOTLY_MARGIN[side] if px is None else px for side, px in margin.items()}
    width = layout.width - margin["l"] - margin["r"]
    height = layout.height - margin["t"] - margin["b"]
    degree_px = MAPLIBRE_TILE_PX * 2 ** (layout.map.zoom or 0) / 360
    lon, lat = layout.map.center.lon or 0, layout.map.center.lat or 0
    half_x, half_y = width / 2 / degree_px, height / 2 / degree_px
    y = mercator_y(lat)
    return [lon - half_x, lon + half_x], [y - half_y, y + half_y]


def _outline(feature: dict[str, Any]) -> tuple[list[float | None], list[float | None]]:
    """A feature's rings as one path of x (longitude) and y (northing), rings apart by gaps."""
    geometry = feature["geometry"]
    polygons = geometry["coordinates"]
    if geometry["type"] == "Polygon":
        polygons = [polygons]
    xs: list[float | None] = []
    ys: list[float | None] = []
    for polygon in polygons:
        for ring in polygon:  # a hole is filled over: the country's regions have none
            xs += [point[0] for point in ring] + [None]
            ys += [mercator_y(point[1]) for point in ring] + [None]
    return xs[:-1], ys[:-1]


def _fills(trace: Any) -> list[str | None]:
    """Each location's fill colour, read from the trace's colour scale as plotly.js does
    (None where the location has no value: plotly.js leaves it out)."""
    values = numbers(trace.z)
    low, high = _bounds(trace)
    span = high - low
    shares = [None if z is None else (z - low) / span if span else 0.5 for z in values]
    return [None if share is None else scale_colour(trace.colorscale, share) for share in shares]


def _bounds(trace: Any) -> tuple[float, float]:
    """The values at the two ends of the colour scale: zmin and zmax, else the data's range."""
    values = [z for z in numbers(trace.z) if z is not None] or [0.0]
    low = min(values) if trace.zmin is None else float(trace.zmin)
    high = max(values) if trace.zmax is None else float(trace.zmax)
    return low, high


def _rgb(colour: str) -> tuple[float, ...]:
    """'#0B4F8A' or 'rgb(11, 79, 138)' as (11, 79, 138)."""
    return tuple(hex_to_rgb(colour) if colour.startswith("#") else unlabel_rgb(colour))


def scale_colour(scale: Any, share: float) -> str:
    """The colour at `share` (0-1) of a colour scale, mixed in RGB between its stops as
    plotly.js does."""
    stops = [(float(position), _rgb(colour)) for position, colour in scale]
    share = min(max(share, 0.0), 1.0)
    for (start, low), (end, high) in pairwise(stops):
        if share <= end:
            part = (share - start) / (end - start) if end > start else 0.0
            mixed = [a + (b - a) * part for a, b in zip(low, high, strict=True)]
            return _css(mixed)
    return _css(stops[-1][1])


def _css(rgb: Any) -> str:
    # Halves round up, as JavaScript's Math.round does (Python's round goes to even).
    return "rgb({}, {}, {})".format(*(math.floor(value + 0.5) for value in rgb))


def _region_traces(trace: Any) -> list[go.Scatter]:
    """One filled polygon a region, a legend entry as the layer had, and its colour bar."""
    features = {feature["id"]: feature for feature in trace.geojson["features"]}
    line = trace.marker.line
    traces = []
    for location, fill in zip(trace.locations, _fills(trace), strict=True):
        if fill is None or location not in features:
            continue  # no value, or no outline: MapLibre draws nothing there either
        xs, ys = _outline(features[location])
        traces.append(
            go.Scatter(
                x=xs,
                y=ys,
                fill="toself",
                fillcolor=fill,
                mode="lines",
                line={"color": line.color, "width": line.width},
                hoverinfo="skip",
                showlegend=False,
            )
        )
    if trace.showlegend:
        traces.append(_legend_entry(trace.name, scale_colour(trace.colorscale, 0.5)))
    if trace.showscale is not False:
        traces.append(_colour_bar(trace))
    return traces


def _legend_entry(name: str, colour: str) -> go.Scatter:
    """A legend square in the layer's colour, as a map layer shows it."""
    return go.Scatter(
        x=[None],
        y=[None],
        mode="markers",
        name=name,
        marker={"symbol": "square", "size": 12, "color": colour},
        showlegend=True,
    )


def _colour_bar(trace: Any) -> go.Scatter:
    """The layer's colour bar, carried by an invisible marker."""
    low, high = _bounds(trace)
    return go.Scatter(
        x=[None],
        y=[None],
        mode="markers",
        marker={
            "color": [low, high],
            "colorscale": trace.colorscale,
            "cmin": low,
            "cmax": high,
            "showscale": True,
            "colorbar": trace.colorbar.to_plotly_json(),
        },
        hoverinfo="skip",
        showlegend=False,
    )


def numbers(values: Any) -> list[float | None]:
    """A trace's numbers as floats (None where missing), whether plotly holds them as a list,
    an array or its base64 form ({'dtype': 'f8', 'bdata': ...})."""
    if isinstance(values, dict) and "bdata" in values:
        values = np.frombuffer(base64.b64decode(values["bdata"]), dtype=values["dtype"])
    floats = [None if value is None else float(value) for value in values]
    return [None if value is None or math.isnan(value) else value for value in floats]


def _centre_trace(trace: Any) -> go.Scatter:
    """Map markers at the same places, sizes and colours."""
    marker = trace.marker.to_plotly_json()
    marker.setdefault("opacity", SCATTERMAP_OPACITY)
    # plotly.js outlines markers of varying size (a "bubble" chart) in white; a map does not.
    marker.setdefault("line", {"width": 0})
    return go.Scatter(
        x=numbers(trace.lon),
        y=[None if lat is None else mercator_y(lat) for lat in numbers(trace.lat)],
        mode="markers",
        name=trace.name,
        marker=marker,
        showlegend=trace.showlegend is not False,
        hoverinfo="skip",
    )
