"""Administrators see each saved change in the audit log; other roles have no such screen."""

import pytest

from tests.pages.apptest import run_page
from tests.pages.test_update_milestones import PAGE as UPDATE_PAGE
from tests.pages.test_update_milestones import submit


def test_a_saved_change_appears_in_the_audit_log(app_database):
    editor = run_page(UPDATE_PAGE, view_as="manager.iom@example.org")
    next(a for a in editor.text_area if a.label == "Comment").input("Logged change")
    submit(editor)
    log = run_page("pages/audit_log.py")
    table = log.dataframe[0].value
    assert list(table["Who"]) == ["manager.iom@example.org"]
    assert (
        "notes:" in table["What changed"].iloc[0]
        and "Logged change" in table["What changed"].iloc[0]
    )


@pytest.mark.parametrize("reader", ["manager.iom@example.org", "donor@example.org"])
def test_only_administrators_have_the_audit_log(app_database, reader):
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        run_page("pages/audit_log.py", view_as=reader)
