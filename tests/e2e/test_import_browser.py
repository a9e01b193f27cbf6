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
    tab.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(str(path))
    tab.get_by_text(name, exact=True).wait_for(timeout=30_000)
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
    expect(problems).to_contain_text("Choose a status from the list.")
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
