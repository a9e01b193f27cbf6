"""The indicator tracking table matches the stored figures, for each role and filter."""

import math
from datetime import date

import pytest
import sqlalchemy as sa
from sqlalchemy import Engine
from sqlmodel import Session

from grantmon.services.core.access import Actor
from grantmon.services.core.filters import Filters
from grantmon.services.results.entry import enter_results, result_grid
from grantmon.services.results.indicators import (
    assess,
    indicator_disaggregations,
    indicator_tracking,
    off_track_indicators,
    quarterly_figures,
)
from seed.scale import seed_scale

TODAY = date(2026, 12, 7)  # the demo's today

VIEWER = Actor(email="viewer@example.org", role="viewer")
DONOR = Actor(email="donor@example.org", role="donor")
EVERYTHING = Filters(start="2024Q1", end="2026Q3")
TOTAL_ROW = "region_code = 'all' AND sex = 'all' AND age_band = 'all' AND nationality_group = 'all'"


def scalar(engine: Engine, sql: str, **params) -> float:
    with engine.connect() as connection:
        return connection.execute(sa.text(sql), params).scalar_one()


def indicator_id(engine: Engine, code: str) -> int:
    return int(scalar(engine, "SELECT id FROM indicator WHERE code = :code", code=code))


def sql_actual(engine: Engine, code: str, end: str, approved_only: bool) -> float:
    status = "AND status = 'approved'" if approved_only else ""
    return scalar(
        engine,
        f"SELECT SUM(value) FROM indicatorresult WHERE indicator_id = :i AND quarter <= :end "
        f"AND {TOTAL_ROW} {status}",
        i=indicator_id(engine, code),
        end=end,
    )


def tracking(engine: Engine, actor: Actor, filters: Filters = EVERYTHING):
    with Session(engine) as session:
        table = indicator_tracking(session=session, actor=actor, filters=filters, today=TODAY)
    return table.set_index("code")


def test_cumulative_actual_and_target_to_date_equal_sql_sums(demo_engine):
    row = tracking(demo_engine, VIEWER).loc["1.1.a"]
    assert row["as_of_quarter"] == "2026Q3"
    assert row["actual_to_date"] == sql_actual(demo_engine, "1.1.a", "2026Q3", False)
    target = scalar(
        demo_engine,
        "SELECT SUM(target) FROM indicatortarget WHERE indicator_id = :i AND quarter <= :q",
        i=indicator_id(demo_engine, "1.1.a"),
        q="2026Q3",
    )
    assert row["target_to_date"] == target
    assert row["percent_achieved"] == pytest.approx(100 * row["actual_to_date"] / target)


def test_donor_sees_approved_figures_only_and_viewer_sees_them_marked(demo_engine):
    donor, viewer = tracking(demo_engine, DONOR), tracking(demo_engine, VIEWER)
    last_approved = scalar(
        demo_engine, "SELECT MAX(quarter) FROM indicatorresult WHERE status = 'approved'"
    )
    assert set(donor["as_of_quarter"]) == {last_approved}
    assert donor.loc["3.1.a", "actual_to_date"] == sql_actual(
        demo_engine, "3.1.a", "2026Q3", approved_only=True
    )
    assert donor["actual_to_date"].sum() < viewer["actual_to_date"].sum()
    assert donor["unapproved"].sum() == 0
    pending = scalar(
        demo_engine,
        f"SELECT COUNT(*) FROM indicatorresult WHERE status <> 'approved' AND {TOTAL_ROW}",
    )
    assert viewer["unapproved"].sum() == pending > 0


def test_period_end_changes_the_figures(demo_engine):
    earlier = tracking(demo_engine, VIEWER, Filters(start="2024Q1", end="2025Q2"))
    later = tracking(demo_engine, VIEWER)
    assert earlier.loc["1.2.a", "as_of_quarter"] == "2025Q2"
    assert earlier.loc["1.2.a", "actual_to_date"] == sql_actual(
        demo_engine, "1.2.a", "2025Q2", False
    )
    assert earlier.loc["1.2.a", "actual_to_date"] < later.loc["1.2.a", "actual_to_date"]


def test_non_cumulative_indicator_compares_the_latest_quarter_and_lower_is_better(demo_engine):
    row = tracking(demo_engine, VIEWER).loc["1.2.b"]
    latest = scalar(
        demo_engine,
        f"SELECT value FROM indicatorresult WHERE indicator_id = :i AND quarter = '2026Q3' "
        f"AND {TOTAL_ROW}",
        i=indicator_id(demo_engine, "1.2.b"),
    )
    assert row["direction"] == "decrease"
    assert row["actual_to_date"] == latest
    assert row["target_to_date"] == 12
    # Fewer days than the target is better, so achievement is target / actual.
    assert row["percent_achieved"] == pytest.approx(100 * 12 / latest)


def test_status_means_better_or_worse_whatever_the_direction():
    assert assess(110, 100, "increase") == (110, "on track")
    assert assess(130, 100, "increase")[1] == "above"
    assert assess(115, 100, "increase") == (115, "on track")  # the band includes 15%
    assert assess(60, 100, "increase")[1] == "below"
    assert assess(6, 12, "decrease")[1] == "above"  # half the days: better
    assert assess(20, 12, "decrease")[1] == "below"  # more days: worse
    assert assess(5, None, "increase") == (None, "no data")
    assert assess(None, 10, "increase") == (None, "no data")
    assert assess(3, 0, "increase") == (None, "above")  # no division by zero
    assert assess(0, 5, "decrease") == (None, "above")


def test_indicator_without_target_says_so_without_error(demo_engine):
    code_id = indicator_id(demo_engine, "3.2.a")
    with demo_engine.begin() as connection:
        connection.execute(
            sa.text("DELETE FROM indicatortarget WHERE indicator_id = :i"), {"i": code_id}
        )
        connection.execute(
            sa.text("UPDATE indicator SET life_target = NULL WHERE id = :i"), {"i": code_id}
        )
    row = tracking(demo_engine, VIEWER).loc["3.2.a"]
    assert row["status"] == "no data"
    assert row["note"] == "no target set"
    assert math.isnan(row["percent_achieved"])
    assert row["actual_to_date"] == sql_actual(demo_engine, "3.2.a", "2026Q3", False)


def test_period_without_approved_figures_is_no_data_for_donors(demo_engine):
    last_quarter = Filters(start="2026Q3", end="2026Q3")
    donor = tracking(demo_engine, DONOR, last_quarter)
    assert set(donor["status"]) == {"no data"}
    assert set(donor["note"]) == {"no approved figures in the period"}
    assert "no data" not in set(tracking(demo_engine, VIEWER, last_quarter)["status"])


def test_off_track_lists_worse_than_target_most_behind_first(demo_engine):
    with Session(demo_engine) as session:
        behind = off_track_indicators(
            session=session, actor=VIEWER, filters=EVERYTHING, today=TODAY
        )
    table = tracking(demo_engine, VIEWER)
    assert set(behind["code"]) == set(table.index[table["status"] == "below"])
    assert len(behind) > 0
    assert list(behind["percent_achieved"]) == sorted(behind["percent_achieved"])
    assert (behind["percent_achieved"] < 85).all()


def test_breakdown_adds_up_to_the_total_and_region_filter_shows_region_values(demo_engine):
    with Session(demo_engine) as session:
        cells = indicator_disaggregations(
            session=session, actor=VIEWER, filters=EVERYTHING, code="1.2.a", today=TODAY
        )
    total = tracking(demo_engine, VIEWER).loc["1.2.a", "actual_to_date"]
    for dimension in ("sex", "age_band", "nationality_group", "region"):
        assert cells.loc[cells["dimension"] == dimension, "value"].sum() == total
    region = tracking(demo_engine, VIEWER, Filters(start="2024Q1", end="2026Q3", region="MA-04"))
    in_region = scalar(
        demo_engine,
        "SELECT SUM(value) FROM indicatorresult WHERE indicator_id = :i AND region_code = 'MA-04' "
        "AND sex = 'all' AND age_band = 'all' AND nationality_group = 'all'",
        i=indicator_id(demo_engine, "1.2.a"),
    )
    assert region.loc["1.2.a", "region_actual_to_date"] == in_region
    assert math.isnan(region.loc["1.1.a", "region_actual_to_date"])  # not reported by region
    assert region.loc["1.2.a", "status"] == tracking(demo_engine, VIEWER).loc["1.2.a", "status"]


def test_small_victim_counts_are_suppressed_for_donors_only(demo_engine):
    code_id = indicator_id(demo_engine, "1.2.a")
    with demo_engine.begin() as connection:
        # Leave MA-10 with 2 victims referred to date: small enough to point at people.
        connection.execute(
            sa.text(
                "UPDATE indicatorresult SET value = CASE WHEN quarter = '2024Q1' THEN 2 ELSE 0 END "
                "WHERE indicator_id = :i AND region_code = 'MA-10'"
            ),
            {"i": code_id},
        )
    with Session(demo_engine) as session:
        donor = indicator_disaggregations(
            session=session, actor=DONOR, filters=EVERYTHING, code="1.2.a", today=TODAY
        ).set_index("category")
        viewer = indicator_disaggregations(
            session=session, actor=VIEWER, filters=EVERYTHING, code="1.2.a", today=TODAY
        ).set_index("category")
    assert donor.loc["MA-10", "suppressed"] and math.isnan(donor.loc["MA-10", "value"])
    # A second region is hidden too, or MA-10 could be worked out from the total.
    assert donor.loc[donor["dimension"] == "region", "suppressed"].sum() >= 2
    assert not donor.loc[donor["dimension"] == "sex", "suppressed"].any()
    assert viewer.loc["MA-10", "value"] == 2 and viewer.loc["MA-10", "donor_hidden"]
    assert not viewer["suppressed"].any()


def test_quarterly_figures_cover_the_selected_quarters_only(demo_engine):
    with Session(demo_engine) as session:
        figures = quarterly_figures(
            session=session,
            actor=VIEWER,
            filters=Filters(start="2025Q1", end="2025Q4"),
            today=TODAY,
        )
    assert set(figures["quarter"]) == {"2025Q1", "2025Q2", "2025Q3", "2025Q4"}
    first = figures[figures["code"] == "1.1.a"].iloc[0]
    # Cumulative values still count the quarters before the period.
    assert first["actual_to_date"] == sql_actual(demo_engine, "1.1.a", "2025Q1", False)
    assert first["actual_to_date"] > first["actual"]


def test_a_saved_result_shows_in_the_next_tracking_read(demo_engine):
    admin = Actor(email="admin@example.org", role="administrator")
    with Session(demo_engine) as session:
        before = indicator_tracking(session=session, actor=VIEWER, filters=EVERYTHING, today=TODAY)
    code = str(before.iloc[0]["code"])
    with Session(demo_engine) as session:
        grid = result_grid(
            session=session,
            actor=admin,
            indicator_id=indicator_id(demo_engine, code),
            quarter="2026Q3",
        )
        opened = dict(zip(grid["cell"], grid["value"], strict=True))
        values = {cell: (value or 0) * 2 for cell, value in opened.items()}
        enter_results(
            session=session,
            actor=admin,
            indicator_id=indicator_id(demo_engine, code),
            quarter="2026Q3",
            values=values,
            opened=opened,
            confirmed=True,
            today=date(2026, 11, 28),
        )
    with Session(demo_engine) as session:
        after = indicator_tracking(session=session, actor=VIEWER, filters=EVERYTHING, today=TODAY)
    expected = sql_actual(demo_engine, code, "2026Q3", approved_only=False)
    assert after.iloc[0]["actual_to_date"] == pytest.approx(expected)
    assert after.iloc[0]["actual_to_date"] != before.iloc[0]["actual_to_date"]


@pytest.mark.parametrize("actor", [VIEWER, DONOR], ids=["viewer", "donor"])
def test_region_column_matches_each_indicators_own_breakdown(demo_engine, actor):
    seed_scale(demo_engine, 2)  # more indicators reported by region, some counting victims
    code_id = indicator_id(demo_engine, "1.2.a")
    with demo_engine.begin() as connection:  # a small count in MA-10 for the donor to not see
        connection.execute(
            sa.text(
                "UPDATE indicatorresult SET value = CASE WHEN quarter = '2024Q1' THEN 2 ELSE 0 END "
                "WHERE indicator_id = :i AND region_code = 'MA-10'"
            ),
            {"i": code_id},
        )
    for region in ("MA-10", "MA-06"):
        table = tracking(demo_engine, actor, Filters(start="2024Q1", end="2026Q3", region=region))
        by_region = table[table["disaggregations"].str.contains("region", na=False)]
        assert len(by_region) >= 6
        if region == "MA-10":  # two victims: hidden from the donor, shown (marked) to staff
            assert table.loc["1.2.a", "region_suppressed"] == (actor is DONOR)
        with Session(demo_engine) as session:
            for code, row in by_region.iterrows():
                cells = indicator_disaggregations(
                    session=session, actor=actor, filters=EVERYTHING, code=str(code), today=TODAY
                ).set_index(["dimension", "category"])
                cell = cells.loc[("region", region)]
                assert row["region_suppressed"] == cell["suppressed"], code
                assert row["region_unapproved"] == cell["unapproved"], code
                if not cell["suppressed"]:
                    assert row["region_actual_to_date"] == cell["value"], code
