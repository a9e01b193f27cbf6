"""The Briefing page: builds a pack with the user's role, offers PDF, PowerPoint, Excel, CSV."""

from tests.pages.apptest import run_page


def download_labels(app) -> list[str]:
    return [button.proto.label for button in app.get("download_button")]


def test_donor_builds_a_pack_and_gets_the_files(app_database):
    app = run_page("pages/briefing.py", view_as="donor@example.org")
    assert app.title[0].value == "Briefing pack and exports"
    assert "Download Excel (.xlsx)" in download_labels(app)
    picker = app.multiselect(key="bp_charts")
    picker.set_value([picker.value[0]])  # one chart keeps the test quick
    app.button(key="bp_build").click()
    app.run(timeout=120)
    assert not app.exception, [e.value for e in app.exception]
    assert "Pack ready: 1 charts." in [s.value for s in app.success]
    labels = download_labels(app)
    assert "Download PDF" in labels and "Download PowerPoint" in labels


def test_iptt_table_shown_without_draft_column_for_donor(app_database):
    app = run_page("pages/briefing.py", view_as="donor@example.org")
    columns = list(app.dataframe[0].value.columns)
    assert "Actual to date" in columns and "Figures not yet approved" not in columns
    viewer = run_page("pages/briefing.py", view_as="viewer@example.org")
    assert "Figures not yet approved" in list(viewer.dataframe[0].value.columns)
