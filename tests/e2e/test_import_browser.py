"""In Chromium, a file with a bad row is refused by row; the corrected file moves the Overview."""

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import screenshot, settle
from tests.e2e.test_screens_browser import wait_for_screen
from tests.e2e.test_update_browser import late_count

pytestmark = pytest.mark.browser
HEADER = "milestone_code,status,percent_complete,actual_completion_date,notes\n"


def upload(tab, tmp_path, name: str, body: str) -> None:
    """Choose the file in the uploader and press Import."""
    path = tmp_path / name
    path.write_text(HEADER + body, encoding="utf-8")
    settle(tab)  # a file chosen during a redraw can be dropped
    tab.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(str(path))
    tab.get_by_test_id("stFileChipName").get_by_text(name, exact=True).wait_for(timeout=30_000)
    # Let the rerun the upload started finish, so the click is not lost in it.
    settle(tab)
    button = tab.get_by_role("button", name="Import", exact=True)
    expect(button).to_be_enabled(timeout=30_000)
    button.click()


def test_a_bad_row_is_named_and_the_corrected_file_updates_the_overview(
    page, dashboard_url, tmp_path
):
    page.goto(dashboard_url)
    wait_for_screen(page, "Overview")
    late_before = late_count(page)
    page.get_by_test_id("stSidebar").get_by_role("link", name="Import and export").click()
    wait_for_screen(page, "Import and export")
    body = "A3.2-M1,completed,100,15/11/2026,Réunion <b>finale</b>\nA2.3-M1,done,100,,\n"
    upload(page, tmp_path, "progress.csv", body)
    page.get_by_text("1 problem; nothing was imported.").wait_for(timeout=30_000)
    problems = page.get_by_test_id("stDataFrame").first
    problems.wait_for(timeout=30_000)
    problems.scroll_into_view_if_needed()
    expect(problems).to_contain_text("Use one of: not started, in progress, completed, cancelled.")
    screenshot(page, "import-refused")
    upload(
        page,
        tmp_path,
        "progress-fixed.csv",
        body.replace(",done,100,,", ",completed,100,2026-11-20,"),
    )
    done = page.get_by_text("Imported 2 rows from progress-fixed.csv")
    done.wait_for(timeout=30_000)
    done.scroll_into_view_if_needed()
    screenshot(page, "import-done")
    page.get_by_test_id("stSidebar").get_by_role("link", name="Overview").click()
    wait_for_screen(page, "Overview")
    assert late_count(page) == late_before - 2


def test_a_refused_file_says_what_to_write_instead_in_the_screens_words(
    page, dashboard_url, tmp_path
):
    page.goto(f"{dashboard_url}/import_data")
    wait_for_screen(page, "Import and export")
    body = (
        "A1.1-M3,in progress,²,,\nA1.3-M3,in progress,1e400,,\n"
        "A3.1-M3,in progress,40,,\nA3.1-M3,in progress,40,,\n"
    )
    upload(page, tmp_path, "typed.csv", body)
    page.get_by_text("3 problems; nothing was imported.").wait_for(timeout=30_000)
    problems = page.get_by_test_id("stDataFrame").first
    problems.scroll_into_view_if_needed()
    for words in ("is not a number", "exponent", "repeats row 4"):
        expect(problems).to_contain_text(words)
    screenshot(page, "import-refused-numbers")
    fixed = "A1.1-M3,in progress,45,,\nA1.3-M3,in progress,50,,\n"
    upload(page, tmp_path, "fixed.csv", fixed)
    page.get_by_text("Imported 2 rows from fixed.csv").wait_for(timeout=30_000)
    upload(page, tmp_path, "fixed.csv", fixed)
    again = page.get_by_text("To import it again anyway, tick 'Import again", exact=False)
    again.wait_for(timeout=30_000)
    again.scroll_into_view_if_needed()
    screenshot(page, "import-refused-again")
