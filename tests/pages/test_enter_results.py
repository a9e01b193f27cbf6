"""A manager enters a quarter's result and its breakdown in the grid; bad grids are refused."""

from sqlalchemy import text
from sqlmodel import Session, select

from data_model import AuditEntry, Indicator
from tests.pages.apptest import run_page
from tests.pages.due_quarter import due_quarter_today
from tests.pages.visible_text import as_read

PAGE = "pages/enter_results.py"


def open_quarter(app, code: str, quarter: str):
    """Pick an indicator by its code and a quarter."""
    picker = next(s for s in app.selectbox if s.label == "Indicator")
    picker.set_value(next(o for o in picker.options if o.startswith(f"{code} · "))).run()
    next(s for s in app.selectbox if s.label == "Quarter").set_value(quarter).run()
    return app


def fill_and_save(app, engine, code: str, quarter: str, values: list, confirm: bool = False):
    """Type values into the grid's Value column (row by row), then press Save."""
    with Session(engine) as session:
        indicator_id = session.exec(select(Indicator.id).where(Indicator.code == code)).one()
    edits = {i: {"Value": v} for i, v in enumerate(values)}
    app.session_state[f"results-grid-{indicator_id}-{quarter}"] = {
        "edited_rows": edits,
        "added_rows": [],
        "deleted_rows": [],
    }
    if confirm:
        next(c for c in app.checkbox if c.label == "I confirm this value").check()
    next(b for b in app.button if b.label == "Save").click()
    return app.run()


def total_of(engine, code: str, quarter: str):
    with engine.connect() as connection:
        return connection.execute(
            text(
                "SELECT r.value FROM indicatorresult r JOIN indicator i ON i.id = r.indicator_id"
                " WHERE i.code = :c AND r.quarter = :q AND r.sex = 'all' AND r.age_band = 'all'"
                " AND r.region_code = 'all' AND r.nationality_group = 'all'"
            ),
            {"c": code, "q": quarter},
        ).scalar()


def test_a_manager_enters_a_quarter_with_its_breakdown(app_database):
    app = open_quarter(run_page(PAGE, view_as="manager.iom@example.org"), "1.1.a", "2026Q4")
    grid = [d for d in app.dataframe if str(d.key).startswith("results-grid-")]
    assert grid, "the grid is shown"
    fill_and_save(app, app_database, "1.1.a", "2026Q4", [60, 31, 29])
    assert not app.exception
    assert total_of(app_database, "1.1.a", "2026Q4") == 60.0
    assert any("Saved 1.1.a Q4 2026" in as_read(s.value) for s in app.success)
    with Session(app_database) as session:
        audit = session.exec(select(AuditEntry)).one()
    assert audit.actor == "manager.iom@example.org"


def test_breakdowns_that_do_not_add_up_are_refused_with_both_sums(app_database):
    app = open_quarter(run_page(PAGE, view_as="admin@example.org"), "1.1.a", "2026Q4")
    fill_and_save(app, app_database, "1.1.a", "2026Q4", [60, 30, 20])
    errors = [as_read(e.value) for e in app.error]
    assert "Sex: By sex, the categories add up to 50 but the total is 60." in errors
    assert total_of(app_database, "1.1.a", "2026Q4") is None


def test_an_unusual_value_is_saved_only_after_confirmation(app_database):
    app = open_quarter(run_page(PAGE, view_as="admin@example.org"), "1.1.a", "2026Q4")
    assert not [c for c in app.checkbox if c.label == "I confirm this value"]
    fill_and_save(app, app_database, "1.1.a", "2026Q4", [900, 450, 450])
    assert any("more than 3 times" in as_read(e.value) for e in app.error)
    assert total_of(app_database, "1.1.a", "2026Q4") is None
    fill_and_save(app, app_database, "1.1.a", "2026Q4", [900, 450, 450], confirm=True)
    assert total_of(app_database, "1.1.a", "2026Q4") == 900.0


def test_an_approved_quarter_is_shown_locked_without_a_save_button(app_database):
    app = open_quarter(run_page(PAGE, view_as="admin@example.org"), "1.1.a", "2026Q2")
    assert any("approved and is locked" in as_read(w.value) for w in app.warning)
    assert not [b for b in app.button if b.label == "Save"]


def test_the_form_opens_on_the_quarter_due_not_the_one_still_running(app_database):
    app = run_page(PAGE, view_as="manager.iom@example.org")
    quarter = next(s for s in app.selectbox if s.label == "Quarter")
    assert quarter.value == due_quarter_today()
    assert quarter.options[0] != quarter.value  # the quarter still running stays offered first
