"""The import screen offers templates and current figures per data type; Import waits for a file."""

from tests.pages.apptest import run_page

PAGE = "pages/import_data.py"


def test_a_manager_sees_every_data_type_with_templates_and_downloads(app_database):
    app = run_page(PAGE, view_as="manager.ilo@example.org")
    picker = next(s for s in app.selectbox if s.label == "Data")
    assert picker.options == [
        "Milestone progress",
        "Quarterly indicator results",
        "Expenditures",
        "Centres and occupancy",
        "Reintegration figures",
    ]
    picker.set_value("Expenditures").run()
    assert not app.exception
    labels = [button.proto.label for button in app.get("download_button")]
    assert labels == [
        "Template (XLSX)",
        "Template (CSV)",
        "Current figures (XLSX)",
        "Current figures (CSV)",
    ]
    importer = next(b for b in app.button if b.label == "Import")
    assert importer.disabled
