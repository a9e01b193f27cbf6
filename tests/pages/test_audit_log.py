"""Administrators see each saved change in the audit log; other roles have no such screen."""

import pytest

from data_model.db import make_engine, upgrade
from seed.run import seed_database
from tests.conftest import forget_app_caches
from tests.e2e.conftest import seeded_database
from tests.pages import audit_rows
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


def test_sign_ins_imports_and_user_changes_show_each_with_its_action(tmp_path, monkeypatch):
    # The project's own exports imported into a database that has only the plan: creations
    # (nothing before) beside updates and sign-ins (nothing before or after).
    source = make_engine(seeded_database(tmp_path / "demo"))
    target_url = f"sqlite:///{tmp_path / 'plan.db'}"
    target = make_engine(target_url)
    upgrade(target)
    seed_database(target, demo=True, figures=False)
    audit_rows.import_exports(target, source)
    audit_rows.sessions_and_users(target)
    monkeypatch.setenv("DATABASE_URL", target_url)
    forget_app_caches()
    table = run_page("pages/audit_log.py").dataframe[0].value
    actions = set(table["Action"])
    assert {"Signed in", "Signed out", "Created", "Imported", "Access given"} <= actions
    signed_in = table[table["Action"] == "Signed in"]
    assert list(signed_in["Who"]) == ["admin@example.org"]
    assert list(signed_in["What changed"]) == [""]
    for engine in (source, target):
        engine.dispose()
    forget_app_caches()
