"""The Regions page: offline map with its disclaimer, the same figures as a table, a drill-down."""

import pandas as pd
from pandas.api.types import is_float_dtype
from sqlalchemy import Engine, text

from grantmon.charts.maps import DISCLAIMER
from tests.pages.apptest import plotly_charts, run_page

PAGE = "pages/regions.py"


def sql_rows(engine: Engine, query: str, **params: str) -> list:
    with engine.connect() as connection:
        return list(connection.execute(text(query), params))


def captions(app) -> str:
    return " ".join(caption.value for caption in app.caption)


def chart(app, title: str) -> dict:
    return next(c for c in plotly_charts(app) if c["layout"]["title"]["text"].startswith(title))


def region_table(app):
    """The figures by region, indexed by French name (the Arabic name is shown beside it)."""
    table = next(f.value for f in app.dataframe if "Region" in f.value.columns)
    assert table["Region"].str.contains(" · \u2068").all()  # e.g. Oriental · الشرق
    return table.set_index(table["Region"].str.split(" · ").str[0])


def test_donor_on_one_region_sees_its_approved_figures_map_and_drill_down(app_database):
    app = run_page(PAGE, view_as="donor@example.org", region="MA-04")
    approved = sql_rows(
        app_database,
        "SELECT SUM(assisted) FROM reintegrationfigure "
        "WHERE region_code = 'MA-04' AND status = 'approved'",
    )[0][0]
    table = region_table(app)
    assert table.loc["Rabat-Salé-Kénitra", "Victims assisted"] == approved
    assert table.drop(index="Rabat-Salé-Kénitra")["Victims assisted"].isna().all()
    assert "Not yet approved" not in table.columns
    figure = chart(app, "Victims assisted per 100,000 inhabitants by region")
    layers = {layer.get("name"): layer for layer in figure["data"]}
    assert figure["layout"]["map"]["style"] == "white-bg"
    assert len(layers["outside the region filter"]["locations"]) == 11
    assert DISCLAIMER in captions(app)
    assert "counts from 1 to 5 are suppressed" in captions(app)
    for title in ("Centre occupancy", "Victims per quarter"):
        assert chart(app, title)


def test_viewer_sees_sql_totals_per_region_and_unapproved_figures_marked(app_database):
    app = run_page(PAGE, view_as="viewer@example.org", to="2026Q3")
    rows = sql_rows(
        app_database,
        "SELECT r.name_fr, SUM(f.assisted), "
        "SUM(CASE WHEN f.status <> 'approved' THEN f.assisted ELSE 0 END) "
        "FROM region r LEFT JOIN reintegrationfigure f ON f.region_code = r.iso_code "
        "GROUP BY r.name_fr",
    )
    table = region_table(app)
    for name, assisted, pending in rows:
        if assisted is None:
            assert pd.isna(table.loc[name, "Victims assisted"])
            assert table.loc[name, "Notes"] == "none reported"
        else:
            assert table.loc[name, "Victims assisted"] == assisted
        assert table.loc[name, "Not yet approved"] == (pending or 0)
    total_pending = sum(pending or 0 for _, _, pending in rows)
    assert f"Includes {total_pending} victims assisted from figures not yet approved" in captions(
        app
    )
    assert "Spending is not on this map" in captions(app)


def test_donor_sees_small_cells_suppressed_in_table_map_and_drill_down(app_database):
    app = run_page(PAGE, view_as="donor@example.org", **{"from": "2026Q2", "to": "2026Q2"})
    table = region_table(app)
    marked = table["Notes"].str.startswith("■ suppressed")
    assert marked.any()
    # A suppressed figure is an empty number, its rate too: the column stays numeric.
    assert table.loc[marked, ["Victims assisted", "Per 100,000"]].isna().all().all()
    assert is_float_dtype(table["Victims assisted"]) and is_float_dtype(table["Per 100,000"])
    layers = {
        layer.get("name"): layer for layer in chart(app, "Victims assisted per 100,000")["data"]
    }
    suppressed = layers["suppressed (too few to show)"]["locations"]
    assert len(suppressed) == marked.sum()
    quarters = next(f.value for f in app.dataframe if "Quarter" in f.value.columns)
    hidden = quarters["Notes"] == "■ suppressed"
    assert hidden.any()
    counts = quarters[["Identified", "Assisted", "Plan completed"]]
    assert all(is_float_dtype(counts[c]) for c in counts)
    assert counts[hidden].isna().any(axis=1).all()


def test_centre_figures_and_map_choices(app_database):
    app = run_page(PAGE, view_as="viewer@example.org", to="2026Q3")
    open_now = sql_rows(
        app_database, "SELECT COUNT(*), SUM(capacity) FROM centre WHERE status = 'open'"
    )[0]
    metrics = {metric.label: metric.value for metric in app.metric}
    assert metrics["Centres open at 30 Sep 2026"] == str(open_now[0])  # the as-of date
    # the Fès capacity is not public
    assert metrics["Beds in open centres at 30 Sep 2026"] == f"≥ {open_now[1]}"
    app.selectbox(key="regions_metric").set_value("centres_open").run()
    figure = chart(app, "Centres open at the as-of date by region")
    values = dict(zip(figure["data"][0]["locations"], figure["data"][0]["z"], strict=True))
    assert sum(values.values()) == open_now[0]
    app.toggle(key="regions_tiles").set_value(True).run()
    assert chart(app, "Centres open")["layout"]["map"]["style"] == "carto-positron"
    app.selectbox(key="regions_drill").set_value("MA-08").run()
    assert any("No centre" in info.value for info in app.info)
