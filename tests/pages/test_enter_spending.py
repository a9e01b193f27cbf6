"""A manager records an expenditure on their partner's line; bad amounts are refused."""

from datetime import date

from sqlalchemy import text

from grantmon.periods import quarter_end
from tests.pages.apptest import run_page
from tests.pages.due_quarter import due_quarter_today
from tests.pages.visible_text import as_read

PAGE = "pages/enter_spending.py"


def fill(app, amount: str, justification: str = ""):
    """Type the amount (and justification) and press Save."""
    next(i for i in app.text_input if i.label.startswith("Amount")).input(amount)
    next(i for i in app.text_input if i.label == "Description").input("Taxi =SUM(A1) été")
    if justification:
        next(a for a in app.text_area if a.label.startswith("Justification")).input(justification)
    next(b for b in app.button if b.label == "Save").click()
    return app.run()


def spent(engine, partner: str) -> int:
    with engine.connect() as connection:
        return int(
            connection.execute(
                text(
                    "SELECT COALESCE(SUM(e.amount_cents), 0) FROM expenditure e"
                    " JOIN budgetline b ON b.id = e.budget_line_id JOIN partner p"
                    " ON p.id = b.partner_id WHERE p.code = :p"
                ),
                {"p": partner},
            ).scalar_one()
        )


def test_a_manager_records_spending_in_cents(app_database):
    before = spent(app_database, "ILO")
    app = run_page(PAGE, view_as="manager.ilo@example.org")
    picker = next(s for s in app.selectbox if s.label == "Budget line")
    assert all(option.startswith("ILO · ") for option in picker.options)
    picker.set_value("ILO · Contractual").run()
    fill(app, "1,234.56")
    assert not app.exception
    assert spent(app_database, "ILO") == before + 123456
    assert any("Saved US$1,234.56" in s.value for s in app.success)
    shown = app.dataframe[0].value
    assert "Taxi =SUM(A1) été" in list(shown["Description"])


def test_a_bad_amount_is_refused_next_to_the_field(app_database):
    before = spent(app_database, "IOM")
    app = run_page(PAGE, view_as="manager.iom@example.org")
    fill(app, "12.345")
    assert any("at most 2 decimals" in e.value for e in app.error)
    assert spent(app_database, "IOM") == before


def test_overspending_without_justification_is_refused(app_database):
    app = run_page(PAGE, view_as="admin@example.org")
    next(s for s in app.selectbox if s.label == "Budget line").set_value("IOM · Travel").run()
    before = spent(app_database, "IOM")
    fill(app, "10.00")
    assert any("explain why in the justification" in e.value for e in app.error)
    assert spent(app_database, "IOM") == before
    fill(app, "10.00", justification="Emergency transport")
    assert spent(app_database, "IOM") == before + 1000


def test_spending_added_to_a_submitted_quarter_says_the_quarter_went_back(app_database):
    app = run_page(PAGE, view_as="manager.ilo@example.org")
    next(s for s in app.selectbox if s.label == "Budget line").set_value("ILO · Contractual").run()
    next(d for d in app.date_input if d.label == "Date spent").set_value(date(2026, 8, 3))
    fill(app, "99,999.00", justification="Late invoice")
    assert not app.exception
    assert any(
        "ILO Q3 2026 had been submitted for review: your change took it back" in as_read(w.value)
        for w in app.warning
    )
    with app_database.connect() as connection:
        status = connection.execute(
            text(
                "SELECT r.status FROM quarterreport r JOIN partner p ON p.id = r.partner_id"
                " WHERE p.code = 'ILO' AND r.quarter = '2026Q3'"
            )
        ).scalar_one()
    assert status == "in progress"


def test_the_date_opens_on_the_last_day_of_the_quarter_due(app_database):
    app = run_page(PAGE, view_as="manager.ilo@example.org")
    spent_on = next(d for d in app.date_input if d.label == "Date spent").value
    assert spent_on == quarter_end(due_quarter_today())
