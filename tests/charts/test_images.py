"""The process's one chart-image browser: started with the server, restarted after a failure."""

import asyncio
import io

import pytest
from choreographer.errors import ChromeNotFoundError
from PIL import Image

from grantmon.charts import images
from grantmon.charts.export import figure_bytes
from grantmon.charts.style import ChartContext, empty_figure
from grantmon.server.app import app, warm_image_browser
from grantmon.services.regions.geography import region_geojson

FIGURE = empty_figure(
    title="Funnel", context=ChartContext("all regions", "Source: test."), message="No data"
)


def test_the_server_starts_the_image_browser_with_itself_and_stops_it_with_itself():
    images.stop_image_browser()
    region_geojson.cache_clear()

    async def serve() -> images.ImageBrowser | None:
        async with warm_image_browser(app):
            return images._browser  # started before any export is asked for

    started = asyncio.run(serve())
    assert started is not None and images._browser is None
    assert region_geojson.cache_info().currsize == 1  # the map's outlines, ready too
    png = figure_bytes(FIGURE, "png")  # an export after a stop starts a browser again
    assert Image.open(io.BytesIO(png)).size == (1920, 1080)


def test_a_browser_that_cannot_start_is_tried_again_at_the_next_export(monkeypatch):
    images.stop_image_browser()
    monkeypatch.setenv("BROWSER_PATH", "/nonexistent/chromium")
    with pytest.raises(ChromeNotFoundError, match="No browser found"):
        figure_bytes(FIGURE, "png")
    monkeypatch.undo()
    assert figure_bytes(FIGURE, "png").startswith(b"\x89PNG")
