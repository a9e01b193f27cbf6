"""Chart files: slide-size PNG, SVG, PDF and offline HTML, drawn by the screens' chart functions."""

import io
from concurrent.futures import ThreadPoolExecutor

import pandas as pd
import pytest
from PIL import Image

from grantmon.charts.export import PNG_SIZE, ExportError, figure_bytes, file_name
from grantmon.charts.overview import burn_beside_results_chart
from grantmon.charts.style import ChartContext, empty_figure

CONTEXT = ChartContext(
    filters_text="2024Q1–2025Q4 · all regions", source_text="Source: test. Data as of 1 Jan 2026."
)


def burn_figure():
    data = pd.DataFrame(
        {
            "quarter": ["2024Q1", "2024Q2", "2024Q3"],
            "budget_spent": [0.05, 0.12, 0.2],
            "period_elapsed": [0.08, 0.16, 0.25],
            "targets_reached": [0.03, 0.1, 0.18],
        }
    )
    return burn_beside_results_chart(data, context=CONTEXT)


def test_png_is_slide_size_16_9():
    png = figure_bytes(burn_figure(), "png")
    assert Image.open(io.BytesIO(png)).size == PNG_SIZE == (1920, 1080)


def test_svg_and_pdf_carry_title_filters_and_source():
    fig = burn_figure()
    svg = figure_bytes(fig, "svg").decode("utf-8")
    for text in (
        "Spending against time, and results",
        "2024Q1–2025Q4 · all regions",
        "Source: test.",
    ):
        assert text in svg
    assert figure_bytes(fig, "pdf").startswith(b"%PDF")


def test_html_works_offline():
    page = figure_bytes(burn_figure(), "html").decode("utf-8")
    assert "<html" in page and "Spending against time, and results" in page
    assert '<script src="http' not in page  # plotly.js is inlined, not fetched
    assert len(page) > 1_000_000


def test_chart_without_data_exports_its_message():
    fig = empty_figure(title="Funnel", context=CONTEXT, message="No data for these filters")
    png = figure_bytes(fig, "png")
    assert Image.open(io.BytesIO(png)).size == (1920, 1080)
    assert "No data for these filters" in figure_bytes(fig, "svg").decode("utf-8")


def test_screen_figure_is_left_as_it_was():
    fig = burn_figure()
    height = fig.layout.height
    figure_bytes(fig, "png")
    assert fig.layout.width is None and fig.layout.height == height == 520


def test_unknown_format_is_refused():
    with pytest.raises(ExportError):
        figure_bytes(burn_figure(), "eps")


def test_file_names_are_safe():
    assert file_name("Budget burn: 2024/25", "png") == "Budget-burn--2024-25.png"


def test_one_warm_browser_draws_each_figure_as_if_it_were_the_first():
    # The browser's tab is kept between images: nothing of one image may show in the next.
    burn = burn_figure()
    empty = empty_figure(title="Funnel", context=CONTEXT, message="No data for these filters")
    first = figure_bytes(burn, "png")
    between = [figure_bytes(empty, "png"), figure_bytes(empty, "svg")]
    assert figure_bytes(burn, "png") == first
    assert between[0] != first and "Spending against" not in between[1].decode("utf-8")


def test_sessions_drawing_at_once_each_get_their_own_image():
    figures = {"burn": burn_figure()}
    figures["empty"] = empty_figure(title="Funnel", context=CONTEXT, message="Nothing here")
    alone = {name: figure_bytes(fig, "png") for name, fig in figures.items()}
    with ThreadPoolExecutor(max_workers=4) as pool:
        names = list(figures) * 3
        drawn = list(pool.map(lambda name: figure_bytes(figures[name], "png"), names))
    assert drawn == [alone[name] for name in names]
