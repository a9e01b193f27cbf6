"""A manager updates a centre's capacity and records a quarter's occupancy."""

from sqlalchemy import text

from tests.pages.apptest import run_page
from tests.pages.visible_text import as_read

PAGE = "pages/enter_centres.py"


def query(engine, sql: str, **params):
    with engine.connect() as connection:
        return connection.execute(text(sql), params).first()


def test_a_manager_changes_capacity_and_it_is_audited(app_database):
    app = run_page(PAGE, view_as="manager.iom@example.org")
    picker = next(s for s in app.selectbox if s.label == "Centre")
    assert not any(o.startswith("Fès-Meknès") for o in picker.options)  # no partner: admins only
    picker.set_value(next(o for o in picker.options if o.startswith("Rabat"))).run()
    next(n for n in app.number_input if n.label.startswith("Capacity")).set_value(24)
    next(b for b in app.button if b.label == "Save centre").click()
    app.run()
    assert not app.exception
    row = query(
        app_database, "SELECT capacity, version FROM centre WHERE name = 'Rabat reception centre'"
    )
    assert tuple(row) == (24, 2)
    assert any("Saved Rabat reception centre" in as_read(s.value) for s in app.success)
    assert query(app_database, "SELECT count(*) FROM auditentry WHERE entity = 'centre'")[0] == 1


def test_occupancy_above_capacity_is_refused_next_to_the_field(app_database):
    app = run_page(PAGE, view_as="admin@example.org")
    picker = next(s for s in app.selectbox if s.label == "Centre")
    picker.set_value(next(o for o in picker.options if o.startswith("Rabat"))).run()
    next(s for s in app.selectbox if s.label == "Quarter").set_value("2026Q4").run()
    next(n for n in app.number_input if n.label == "People accommodated").set_value(30)
    next(n for n in app.number_input if n.label == "Average beds occupied").set_value(25)
    next(b for b in app.button if b.label == "Save occupancy").click()
    app.run()
    assert any("more than the centre's 20 beds" in as_read(e.value) for e in app.error)
    next(n for n in app.number_input if n.label == "Average beds occupied").set_value(19)
    next(b for b in app.button if b.label == "Save occupancy").click()
    app.run()
    row = query(
        app_database,
        "SELECT o.people_accommodated, o.average_beds_occupied FROM centreoccupancy o JOIN centre c"
        " ON c.id = o.centre_id WHERE c.name = 'Rabat reception centre' AND o.quarter = '2026Q4'",
    )
    assert tuple(row) == (30, 19)


def test_a_capacity_no_centre_has_is_refused_next_to_the_field(app_database):
    app = run_page(PAGE, view_as="manager.iom@example.org")
    picker = next(s for s in app.selectbox if s.label == "Centre")
    picker.set_value(next(o for o in picker.options if o.startswith("Rabat"))).run()
    next(n for n in app.number_input if n.label.startswith("Capacity")).set_value(10**15)
    next(b for b in app.button if b.label == "Save centre").click()
    app.run()
    assert not app.exception
    assert any(
        "is too large: enter a whole number from 0 to 10,000" in as_read(e.value) for e in app.error
    )
    row = query(app_database, "SELECT capacity FROM centre WHERE name = 'Rabat reception centre'")
    assert tuple(row) == (20,)


def test_the_occupancy_history_says_which_quarters_are_not_yet_approved(app_database):
    app = run_page(PAGE, view_as="manager.iom@example.org")
    picker = next(s for s in app.selectbox if s.label == "Centre")
    picker.set_value(next(o for o in picker.options if o.startswith("Rabat"))).run()
    history = next(f.value for f in app.dataframe if "People accommodated" in f.value.columns)
    review = {
        as_read(q): as_read(r) for q, r in zip(history["Quarter"], history["Review"], strict=True)
    }
    assert review["Q3 2026"] == "▨ submitted"
    assert review["Q2 2026"] == "approved"
