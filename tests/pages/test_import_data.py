"""The import screen offers templates and current figures per type, and refuses a damaged file."""

import pytest

from grantmon.i18n import t, use_language
from tests.pages.apptest import run_page
from tests.pages.visible_text import as_read
from tests.services.test_bulk_import import counts, exported
from tests.services.test_damaged_workbooks import damaged

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


@pytest.mark.parametrize(
    ("lang", "refusal"),
    [("en", "This workbook is damaged"), ("fr", "Ce classeur est endommagé")],
)
def test_a_damaged_workbook_is_refused_in_words_and_nothing_is_imported(
    app_database, lang, refusal
):
    before = counts(app_database)
    workbook = damaged(exported(app_database, "milestones", "xlsx"), "empty worksheet part")
    with use_language(lang):  # what the screen is sent back is in its language
        app = run_page(PAGE, view_as="admin@example.org", lang=lang)
        app.file_uploader(key="import_file_milestones").upload("progress.xlsx", workbook).run()
        next(b for b in app.button if b.label == t("Import")).click().run()
    assert not app.exception, [e.value for e in app.exception]
    assert [refusal in as_read(e.value) for e in app.error] == [True]
    assert not app.success
    assert counts(app_database) == before
