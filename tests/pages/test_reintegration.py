"""The Reintegration screen: privacy-safe for donors, true and marked for IOM staff."""

import base64

import numpy as np
from pandas.api.types import is_float_dtype
from sqlalchemy import Engine, text

from tests.pages.apptest import opened, plotly_charts, run_page

PAGE = "pages/reintegration.py"
PERIOD = {"from": "2024Q2", "to": "2026Q3"}
STAGES = ["identified", "referred", "assisted", "plans_started", "plans_completed"]


def sql_funnel(engine: Engine, where: str) -> list[int]:
    sums = ", ".join(f"sum({stage})" for stage in STAGES)
    with engine.connect() as connection:
        row = connection.execute(text(f"select {sums} from reintegrationfigure where {where}"))
        return [int(value) for value in row.one()]


def plain(values) -> list:
    """Plotly sends numeric arrays base64-encoded ({'dtype', 'bdata'}); decode them."""
    if isinstance(values, dict) and "bdata" in values:
        return np.frombuffer(base64.b64decode(values["bdata"]), dtype=values["dtype"]).tolist()
    return list(values)


def funnel_values(app) -> dict[str, float]:
    funnel = next(
        c for c in plotly_charts(app) if "Reintegration funnel" in c["layout"]["title"]["text"]
    )
    bar = funnel["data"][0]
    return dict(zip(plain(bar["y"]), plain(bar["x"]), strict=True))


def test_donor_sees_approved_totals_the_privacy_notice_and_every_chart(app_database):
    app = run_page(PAGE, view_as="donor@example.org", region="MA-04", **PERIOD)
    where = "region_code = 'MA-04' and status = 'approved'"
    expected = sql_funnel(app_database, where)
    shown = funnel_values(app)
    labels = ["Identified", "Referred", "Assisted", "Plan started", "Plan completed"]
    assert [shown[label] for label in labels] == expected  # all above 5 here
    assert any("Cells from 1 to 5 are suppressed" in info.value for info in app.info)
    captions = " ".join(caption.value for caption in app.caption)
    assert "Approved figures only." in captions
    assert "component filter does not apply" in captions
    titles = [chart["layout"]["title"]["text"] for chart in plotly_charts(app)]
    assert len(titles) == 4  # the second breakdown tab is drawn once chosen
    assert any(title.startswith("Quarterly trend") for title in titles)
    assert any(title.startswith("Reintegration sustainability scores") for title in titles)
    assert any(title.startswith("Assisted by region and sex") for title in titles)
    by_age = opened(app, "ri_breakdown", "By age band and sex")
    titles = [chart["layout"]["title"]["text"] for chart in plotly_charts(by_age)]
    assert any(title.startswith("Assisted by age band and sex") for title in titles)
    assert not any(title.startswith("Assisted by region and sex") for title in titles)


def test_donor_tables_say_suppressed_and_show_no_small_count(app_database):
    app = run_page(PAGE, view_as="donor@example.org", **{"from": "2026Q2", "to": "2026Q2"})
    by_region = app.dataframe[0].value
    by_age = opened(app, "ri_breakdown", "By age band and sex").dataframe[0].value
    assert "Age band" in by_age.columns and "Region" in by_region.columns
    for table in (by_region, by_age):
        counts = table[["Total", "Female", "Male"]]
        assert all(is_float_dtype(counts[c]) for c in counts)  # numbers, not text
        assert not ((counts >= 1) & (counts <= 5)).any().any()
    marked = by_region["Notes"] == "■ suppressed"
    assert marked.any()
    assert by_region.loc[marked, ["Total", "Female", "Male"]].isna().any(axis=1).all()


def test_iom_viewer_sees_true_figures_and_how_many_are_unapproved(app_database):
    app = run_page(PAGE, view_as="viewer@example.org", region="MA-04", **PERIOD)
    assert funnel_values(app)["Identified"] == sql_funnel(app_database, "region_code = 'MA-04'")[0]
    with app_database.connect() as connection:
        pending = connection.execute(
            text(
                "select count(*) from reintegrationfigure "
                "where region_code = 'MA-04' and status != 'approved'"
            )
        ).scalar_one()
    captions = " ".join(caption.value for caption in app.caption)
    assert f"Includes {pending} figures not yet approved" in captions
    assert any("You see true figures" in warning.value for warning in app.warning)


def test_filters_without_figures_show_a_clear_empty_state(app_database):
    app = run_page(PAGE, view_as="donor@example.org", partner="ILO", **PERIOD)
    assert any("No reintegration figures for these filters" in info.value for info in app.info)
    assert plotly_charts(app) == []
