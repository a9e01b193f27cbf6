"""A manager enters a region's reintegration counts; a funnel that grows is refused."""

from sqlalchemy import text

from tests.pages.apptest import run_page
from tests.pages.due_quarter import due_quarter_today
from tests.pages.visible_text import as_read

PAGE = "pages/enter_reintegration.py"


def fill_and_save(app, region: str, quarter: str, edits: dict):
    app.session_state[f"reintegration-grid-{quarter}-{region}"] = {
        "edited_rows": edits,
        "added_rows": [],
        "deleted_rows": [],
    }
    next(b for b in app.button if b.label == "Save").click()
    return app.run()


def identified(engine, region: str, quarter: str) -> int:
    with engine.connect() as connection:
        return int(
            connection.execute(
                text(
                    "SELECT COALESCE(SUM(identified), 0) FROM reintegrationfigure"
                    " WHERE region_code = :r AND quarter = :q"
                ),
                {"r": region, "q": quarter},
            ).scalar_one()
        )


def open_grid(view_as: str, region: str, quarter: str):
    app = run_page(PAGE, view_as=view_as)
    next(s for s in app.selectbox if s.label == "Region").set_value(region).run()
    next(s for s in app.selectbox if s.label == "Quarter").set_value(quarter).run()
    return app


def test_a_manager_enters_counts_for_a_region(app_database):
    app = open_grid("manager.iom@example.org", "MA-04", "2026Q4")
    assert not app.text_area and not app.text_input  # nowhere to type a person's name
    edits = {1: {"Identified": 6, "Referred": 5, "Assisted": 5, "Plans started": 3}}
    fill_and_save(app, "MA-04", "2026Q4", edits)
    assert not app.exception
    assert identified(app_database, "MA-04", "2026Q4") == 6
    assert any("Saved Q4 2026, Rabat-Salé-Kénitra." in as_read(s.value) for s in app.success)


def test_a_stage_above_the_one_before_is_refused_naming_the_cell(app_database):
    app = open_grid("admin@example.org", "MA-04", "2026Q4")
    fill_and_save(app, "MA-04", "2026Q4", {0: {"Identified": 2, "Referred": 3}})
    errors = [as_read(e.value) for e in app.error]
    assert "Female, 0-17: Referred (3) is more than identified (2)." in errors
    assert identified(app_database, "MA-04", "2026Q4") == 0


def test_a_region_scoped_manager_only_sees_their_region_and_locked_quarters_are_read_only(
    app_database,
):
    app = run_page(PAGE, view_as="manager.ilo@example.org")
    options = list(next(s for s in app.selectbox if s.label == "Region").options)
    assert options == ["Casablanca-Settat"]
    app = open_grid("admin@example.org", "MA-04", "2026Q2")
    assert any("approved and is locked" in as_read(w.value) for w in app.warning)
    assert not [b for b in app.button if b.label == "Save"]


def test_the_grid_opens_on_the_quarter_due_and_names_regions_without_codes(app_database):
    app = run_page(PAGE, view_as="admin@example.org")
    assert next(s for s in app.selectbox if s.label == "Quarter").value == due_quarter_today()
    regions = list(next(s for s in app.selectbox if s.label == "Region").options)
    assert len(regions) == 12 and "Oriental" in regions
    assert not [name for name in regions if "MA-" in name]
