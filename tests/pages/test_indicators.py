"""The Results framework page shows the indicator tracking table and a chart per indicator."""

import base64

import numpy as np
import sqlalchemy as sa
from pandas.api.types import is_float_dtype
from sqlalchemy import Engine

from seed.scale import seed_scale
from tests.pages.apptest import plotly_charts, run_page

PAGE = "pages/results.py"
TOTAL_ROW = "region_code = 'all' AND sex = 'all' AND age_band = 'all' AND nationality_group = 'all'"


def scalar(engine: Engine, sql: str, **params) -> float:
    with engine.connect() as connection:
        return connection.execute(sa.text(sql), params).scalar_one()


def numbers(array) -> list[float]:
    """Plotly's JSON may carry a numeric array as base64 ('bdata') with a dtype."""
    if isinstance(array, dict):
        return list(np.frombuffer(base64.b64decode(array["bdata"]), dtype=array["dtype"]))
    return list(array)


def indicator_rows(app) -> dict[str, dict]:
    """Each indicator's row of the tracking tables, by indicator code."""
    rows = {}
    for table in app.dataframe:
        frame = table.value
        if "Status" in frame.columns and "Actual to date" in frame.columns:
            for record in frame.to_dict("records"):
                rows[record["Indicator"].split(" ")[0]] = record
    return rows


def test_donor_sees_approved_totals_and_region_values(app_database):
    app = run_page(PAGE, view_as="donor@example.org", region="MA-04")
    rows = indicator_rows(app)
    assert len(rows) == scalar(app_database, "SELECT COUNT(*) FROM indicator") == 8
    approved = scalar(
        app_database,
        "SELECT SUM(r.value) FROM indicatorresult r JOIN indicator i ON i.id = r.indicator_id "
        f"WHERE i.code = '3.1.a' AND r.status = 'approved' AND {TOTAL_ROW}",
    )
    assert rows["3.1.a"]["Actual to date"] == approved
    assert rows["3.1.a"]["Status"] == "▲ better than target"
    in_region = scalar(
        app_database,
        "SELECT SUM(r.value) FROM indicatorresult r JOIN indicator i ON i.id = r.indicator_id "
        "WHERE i.code = '1.2.a' AND r.status = 'approved' AND r.region_code = 'MA-04' "
        "AND r.sex = 'all' AND r.age_band = 'all' AND r.nationality_group = 'all'",
    )
    assert rows["1.2.a"]["In Rabat-Salé-Kénitra"] == in_region
    assert np.isnan(rows["1.1.a"]["In Rabat-Salé-Kénitra"])
    assert "In Rabat-Salé-Kénitra: not reported by region" in rows["1.1.a"]["Notes"]
    captions = " ".join(caption.value for caption in app.caption)
    assert "Approved figures only." in captions
    assert "Partner and component filters do not apply" in captions
    assert any("Targets are national" in info.value for info in app.info)


def test_viewer_sees_unapproved_figures_marked(app_database):
    app = run_page(PAGE, view_as="viewer@example.org")
    pending = scalar(
        app_database,
        f"SELECT COUNT(*) FROM indicatorresult WHERE status <> 'approved' AND {TOTAL_ROW}",
    )
    captions = " ".join(caption.value for caption in app.caption)
    assert f"Includes {pending} figures not yet approved" in captions
    assert indicator_rows(app)["1.1.a"]["Status"].endswith("*")


def test_chart_shows_cumulative_target_against_actual(app_database):
    app = run_page(PAGE, view_as="donor@example.org")
    chart = plotly_charts(app)[0]
    assert "1.1.a" in chart["layout"]["title"]["text"]
    assert "cumulative" in chart["layout"]["title"]["text"]
    names = [trace.get("name", "") for trace in chart["data"]]
    assert "target" in names
    assert any(name.startswith("actual") for name in names)
    target = next(trace for trace in chart["data"] if trace.get("name") == "target")
    total_target = scalar(
        app_database,
        "SELECT SUM(t.target) FROM indicatortarget t JOIN indicator i ON i.id = t.indicator_id "
        "WHERE i.code = '1.1.a'",
    )
    assert max(numbers(target["y"])) == total_target  # the target line is cumulative


def test_choosing_a_lower_is_better_indicator_explains_it(app_database):
    app = run_page(PAGE, view_as="viewer@example.org")
    app.selectbox(key="results_indicator").set_value("1.2.b").run()
    assert not app.exception
    status = " ".join(markdown.value for markdown in app.markdown)
    assert "Lower is better for this indicator." in status
    chart = plotly_charts(app)[0]
    assert "1.2.b" in chart["layout"]["title"]["text"]
    assert "cumulative" not in chart["layout"]["title"]["text"]
    captions = " ".join(caption.value for caption in app.caption)
    assert "not broken down" in captions


def test_breakdown_chart_for_a_disaggregated_indicator(app_database):
    app = run_page(PAGE, view_as="viewer@example.org", **{"from": "2024Q1", "to": "2025Q4"})
    charts = plotly_charts(app)
    assert len(charts) == 2
    breakdown = charts[1]
    assert "to Q4 2025" in breakdown["layout"]["title"]["text"]
    female = scalar(
        app_database,
        "SELECT SUM(r.value) FROM indicatorresult r JOIN indicator i ON i.id = r.indicator_id "
        "WHERE i.code = '1.1.a' AND r.sex = 'female' AND r.quarter <= '2025Q4'",
    )
    bars = dict(zip(breakdown["data"][0]["y"], numbers(breakdown["data"][0]["x"]), strict=True))
    assert bars["Sex · female"] == female


def test_many_regional_indicators_are_counted_not_listed_in_the_region_note(app_database):
    seed_scale(app_database, 3)
    by_region = scalar(
        app_database, "SELECT count(*) FROM indicator WHERE disaggregations LIKE '%region%'"
    )
    total = scalar(app_database, "SELECT count(*) FROM indicator")
    assert by_region > 12
    app = run_page(PAGE, view_as="viewer@example.org", region="MA-06")
    note = next(info.value for info in app.info if "Targets are national" in info.value)
    assert f"({by_region} of {total})" in note
    assert "S001-" not in note  # no list of codes


def test_donor_sees_a_small_indicator_figure_suppressed(app_database):
    # 2.2.a: 2 plans completed in 2024Q1 against a target of 4.
    app = run_page(PAGE, view_as="donor@example.org", **{"from": "2024Q1", "to": "2024Q1"})
    plans = indicator_rows(app)["2.2.a"]
    assert np.isnan(plans["Actual to date"]) and np.isnan(plans["% achieved"])
    assert plans["Status"] == "■ suppressed"
    tracking = [t.value for t in app.dataframe if "Actual to date" in t.value.columns]
    for column in ("Actual to date", "Target to date", "% achieved", "Baseline"):
        assert all(is_float_dtype(table[column]) for table in tracking), column
    quarters = [t.value for t in app.dataframe if "Q1 2024" in t.value.columns]
    cells = [
        row["Q1 2024"] for row in quarters[0].to_dict("records") if "2.2.a" in row["Indicator"]
    ]
    assert cells == ["■ suppressed / 4"]
