"""The quarterly review screen: each role sees the statuses and only the steps it may take."""

import pytest
from sqlalchemy import Engine, text
from sqlmodel import Session

from data_model import Role
from grantmon.services.core.access import Actor
from grantmon.services.workflow.commands import return_quarter
from tests.pages.apptest import run_page
from tests.pages.visible_text import as_read

PAGE = "pages/quarter_review.py"
IOM, ILO = 1, 3


def click(app, label: str):
    """Click a (form) button by its label and rerun."""
    next(b for b in app.button if b.label == label).click()
    return app.run()


def stored_status(engine: Engine, partner_id: int, quarter: str) -> str:
    with engine.connect() as connection:
        return connection.execute(
            text("select status from quarterreport where partner_id = :p and quarter = :q"),
            {"p": partner_id, "q": quarter},
        ).scalar_one()


def audit_actions(engine: Engine) -> list[tuple[str, str]]:
    with engine.connect() as connection:
        return [
            (actor, action)
            for actor, action in connection.execute(
                text("select actor, action from auditentry order by id")
            )
        ]


def return_behind_the_page(engine: Engine, partner_id: int, quarter: str) -> None:
    """Another reviewer returns the quarter through the service."""
    with Session(engine) as session:
        return_quarter(
            session=session,
            actor=Actor(email="admin@example.org", role=Role.ADMIN),
            partner_id=partner_id,
            quarter=quarter,
            version=1,
            comment="Missing MA-04",
        )


def picker(app):
    return next(s for s in app.selectbox if s.label == "Quarter and partner")


def test_an_me_officer_sees_the_statuses_and_approves_the_waiting_quarter(app_database):
    app = run_page(PAGE, view_as="me.officer@example.org")
    table = app.dataframe[0].value
    statuses = dict(zip(table["Quarter"] + " " + table["Partner"], table["Status"], strict=True))
    assert statuses["Q3 2026 IOM"] == "➜ submitted"
    assert statuses["Q3 2026 UNODC"] == "↩ returned"
    assert statuses["Q2 2026 ILO"] == "✔ approved"
    assert picker(app).value == "Q3 2026 · IOM"  # the newest quarter waiting for review
    assert not any(b.label == "Submit for review" for b in app.button)
    click(app, "Approve")
    assert not app.exception
    assert stored_status(app_database, IOM, "2026Q3") == "approved"
    assert audit_actions(app_database) == [("me.officer@example.org", "approve")]
    assert any("the quarter is locked" in as_read(s.value) for s in app.success)
    assert any("✔ approved" in m.value for m in app.markdown)


def test_returning_without_a_comment_is_refused_next_to_the_field(app_database):
    app = run_page(PAGE, view_as="me.officer@example.org")
    click(app, "Return to the manager")
    assert "Say what the manager should correct before returning the quarter." in [
        as_read(e.value) for e in app.error
    ]
    assert stored_status(app_database, IOM, "2026Q3") == "submitted"
    next(a for a in app.text_area if a.label.startswith("Comment")).input("Add MA-04 lists")
    click(app, "Return to the manager")
    assert stored_status(app_database, IOM, "2026Q3") == "returned"
    assert any("Add MA-04 lists" in i.value.replace("\\", "") for i in app.info)  # escaped


def test_a_stale_page_is_refused_and_shows_what_changed(app_database):
    app = run_page(PAGE, view_as="me.officer@example.org")
    return_behind_the_page(app_database, IOM, "2026Q3")
    click(app, "Approve")
    messages = [as_read(e.value) for e in app.error]
    assert any("admin@example.org saved this record" in m for m in messages)
    assert stored_status(app_database, IOM, "2026Q3") == "returned"
    assert audit_actions(app_database) == [("admin@example.org", "return")]


def test_a_manager_resubmits_their_returned_quarter_and_cannot_approve(app_database):
    return_behind_the_page(app_database, ILO, "2026Q3")
    app = run_page(PAGE, view_as="manager.ilo@example.org")
    assert all(label.endswith("· ILO") for label in picker(app).options)
    assert picker(app).value == "Q3 2026 · ILO"
    assert not any(b.label in ("Approve", "Reopen the quarter") for b in app.button)
    click(app, "Submit for review")
    assert stored_status(app_database, ILO, "2026Q3") == "submitted"
    assert audit_actions(app_database)[-1] == ("manager.ilo@example.org", "submit")


def test_an_administrator_reopens_an_approved_quarter_only_with_a_reason(app_database):
    app = run_page(PAGE, view_as="admin@example.org")
    picker(app).set_value("Q2 2026 · IOM").run()
    click(app, "Reopen the quarter")
    assert "Give the reason for reopening an approved quarter." in [
        as_read(e.value) for e in app.error
    ]
    assert stored_status(app_database, IOM, "2026Q2") == "approved"
    reason = next(i for i in app.text_input if i.label.startswith("Reason for reopening"))
    reason.input("Correction of MA-04 counts")
    click(app, "Reopen the quarter")
    assert stored_status(app_database, IOM, "2026Q2") == "in progress"
    assert any(e.label.startswith("History of this quarter (1 changes)") for e in app.expander)
    history = app.dataframe[-1].value
    assert list(history["Comment or reason"]) == ["Correction of MA-04 counts"]


@pytest.mark.parametrize("reader", ["donor@example.org", "viewer@example.org"])
def test_readers_have_no_review_screen(app_database, reader):
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        run_page(PAGE, view_as=reader)
