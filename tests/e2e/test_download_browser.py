"""In a real browser, the download buttons hand over files an embassy officer can open."""

import io
import struct
from pathlib import Path

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect
from pypdf import PdfReader

from tests.e2e.conftest import click_until_shown, screenshot
from tests.e2e.test_screens_browser import wait_for_screen

pytestmark = pytest.mark.browser

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
BUILD_TIMEOUT = 180_000  # the pack draws every chart through kaleido: slow on a busy machine


def downloaded(info) -> bytes:
    """The bytes of a finished Playwright download."""
    download = info.value
    assert download.failure() is None
    return Path(download.path()).read_bytes()


def test_a_chart_downloads_as_a_slide_size_png(page, dashboard_url):
    page.goto(f"{dashboard_url}/budget")
    wait_for_screen(page, "Budget")
    png_button = page.get_by_role("button", name="PNG file", exact=True)
    # The chart's own Download menu, not Plotly's "Download plot as a PNG" in its tool bar.
    menu = page.get_by_test_id("stPopover").first.get_by_role("button").first
    click_until_shown(page, menu, png_button)
    with page.expect_download(timeout=60_000) as info:
        png_button.click()
    data = downloaded(info)
    assert info.value.suggested_filename.endswith(".png")
    assert data.startswith(PNG_SIGNATURE)
    assert data[12:16] == b"IHDR"
    width, height = struct.unpack(">II", data[16:24])
    assert (width, height) == (1920, 1080)


def test_the_tracking_table_downloads_as_a_workbook(page, dashboard_url):
    page.goto(f"{dashboard_url}/briefing")
    wait_for_screen(page, "Briefing pack and exports")
    with page.expect_download(timeout=60_000) as info:
        page.get_by_role("button", name="Download Excel (.xlsx)").click()
    assert info.value.suggested_filename == "indicator-tracking-table.xlsx"
    book = load_workbook(io.BytesIO(downloaded(info)), read_only=True)
    sheet = book.worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    header = rows[0]
    assert "Indicator code" in header and "Indicator" in header and "Status" in header
    codes = {row[header.index("Indicator code")] for row in rows[1:]}
    codes.discard(None)
    assert len(codes) >= 8  # every indicator of the framework, not an empty sheet
    # The local administrator's file travels without the screen: every row says it is internal.
    assert header[-1] == "Classification"
    assert {row[-1] for row in rows[1:]} == {"INTERNAL, NOT FOR THE DONOR"}
    notes = [row[0] for row in book["Notes"].iter_rows(values_only=True)]
    assert notes[0] == "INTERNAL, NOT FOR THE DONOR"


def test_the_briefing_pack_builds_and_downloads_as_a_pdf(page, dashboard_url):
    page.goto(f"{dashboard_url}/briefing")
    wait_for_screen(page, "Briefing pack and exports")
    page.get_by_role("button", name="Build the briefing pack").click()
    pdf_button = page.get_by_role("button", name="Download PDF", exact=True)
    pdf_button.wait_for(timeout=BUILD_TIMEOUT)
    expect(page.get_by_text("Pack ready:")).to_be_visible(timeout=20_000)
    screenshot(page, "briefing-pack-ready")
    with page.expect_download(timeout=60_000) as info:
        pdf_button.click()
    data = downloaded(info)
    assert data.startswith(b"%PDF")
    reader = PdfReader(io.BytesIO(data))
    text = "\n".join(p.extract_text() or "" for p in reader.pages)
    assert "Briefing pack" in text
    assert len(reader.pages) >= 3  # cover, charts and the tracking table, not a stub
