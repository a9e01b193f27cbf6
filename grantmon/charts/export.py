"""Charts as files: PNG (16:9 slide size), SVG, PDF and offline interactive HTML.

The figure comes from the same chart function as on screen, so it already carries its title,
the active filters (subtitle) and the source / data-as-of line. Images are drawn by the
process's one warm headless browser (charts.images).
"""

from concurrent.futures import Future
from dataclasses import dataclass

import plotly.graph_objects as go
import plotly.io as pio

from grantmon.charts.flatmap import flat_map
from grantmon.charts.images import image_browser, stop_image_browser
from grantmon.charts.style import plotly_locale

# Charts are laid out at (at least) half size and drawn at scale 2 or less: the PNG is 1920 x
# 1080 pixels, and the house fonts (13 px) and pixel margins keep their on-screen proportions.
LAYOUT_WIDTH, LAYOUT_HEIGHT, SCALE = 960, 540, 2
PNG_SIZE = (LAYOUT_WIDTH * SCALE, LAYOUT_HEIGHT * SCALE)
EDGE = 24  # px of white round an exported chart


@dataclass(frozen=True)
class ExportFormat:
    """One downloadable file type."""

    suffix: str
    mime: str
    label: str


FORMATS = {
    "png": ExportFormat("png", "image/png", "PNG"),
    "svg": ExportFormat("svg", "image/svg+xml", "SVG"),
    "pdf": ExportFormat("pdf", "application/pdf", "PDF"),
    "html": ExportFormat("html", "text/html", "HTML"),
}
IMAGE_FORMATS = ("png", "svg", "pdf")


class ExportError(ValueError):
    """An unknown export format."""


def start_image_server() -> None:
    """Start the process's image browser in the background if it is not running."""
    image_browser()


def stop_image_server() -> None:
    """Stop the image browser (benchmarks; it also stops by itself at exit)."""
    stop_image_browser()


def layout_size(fig: go.Figure) -> tuple[int, int]:
    """Layout width and height at 16:9: a chart drawn taller on screen (a Gantt with many rows,
    the map) keeps its height and gets wider, instead of being squashed."""
    height = max(LAYOUT_HEIGHT, int(fig.layout.height or 0))
    return round(height * 16 / 9), height


def export_figure(fig: go.Figure) -> go.Figure:
    """A copy of the figure laid out at slide proportions (16:9), the screen copy untouched."""
    copy = go.Figure(fig)
    width, height = layout_size(copy)
    margin = copy.layout.margin
    top = (margin.t if margin.t is not None else 100) + EDGE
    # A page edge round the chart: on screen the app's own padding does this.
    copy.update_layout(
        width=width,
        height=height,
        autosize=False,
        margin={"l": (margin.l or 0) + EDGE, "r": (margin.r or 0) + EDGE, "t": top},
        title={"pad": {"t": EDGE, "l": EDGE}},
    )
    return copy


def image_bytes(fig: go.Figure, fmt: str = "png") -> bytes:
    """The figure as PNG (1920 x 1080), SVG or PDF, drawn by the shared kaleido browser."""
    return image_to_come(fig, fmt).result()


def image_to_come(fig: go.Figure, fmt: str = "png") -> Future[bytes]:
    """The figure's image, being drawn by the shared kaleido browser while the caller goes on."""
    if fmt not in IMAGE_FORMATS:
        raise ExportError(f"Unknown image format {fmt!r}: use one of {', '.join(IMAGE_FORMATS)}.")
    # A map as flat shapes: the same picture, without the browser emulating WebGL.
    copy = flat_map(export_figure(fig))
    width, height = copy.layout.width, copy.layout.height
    # The PNG is always 1920 x 1080 pixels; a taller layout is drawn at a smaller scale.
    opts = {"format": fmt, "width": width, "height": height, "scale": PNG_SIZE[0] / width}
    # plotly.js comes from plotly.py's own copy: offline.
    return image_browser().submit(copy.to_plotly_json(), opts, pio.defaults.topojson)


def html_bytes(fig: go.Figure) -> bytes:
    """The figure as a self-contained interactive HTML page (plotly.js inlined: works offline)."""
    config = {"displaylogo": False} | plotly_locale()
    page = fig.to_html(include_plotlyjs=True, full_html=True, config=config)
    return page.encode("utf-8")


def figure_bytes(fig: go.Figure, fmt: str) -> bytes:
    """The figure in any of FORMATS."""
    if fmt == "html":
        return html_bytes(fig)
    return image_bytes(fig, fmt)


def file_name(stem: str, fmt: str) -> str:
    """A safe download file name, e.g. 'budget-burn.png'."""
    safe = "".join(c if c.isalnum() or c in "-_" else "-" for c in stem).strip("-") or "chart"
    return f"{safe}.{FORMATS[fmt].suffix}"
