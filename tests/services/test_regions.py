"""Figures by region, centres and a region's drill-down, checked against raw SQL."""

from datetime import date

import pandas as pd
import pytest
from sqlalchemy import Engine, text
from sqlmodel import Session

from grantmon.periods import quarter_end
from grantmon.services.core.access import Actor
from grantmon.services.core.filters import Filters
from grantmon.services.regions.reads import (
    centre_occupancy,
    centre_points,
    centre_summary,
    region_activities,
    region_metrics,
    region_victims,
    suppress_small_counts,
)
from grantmon.settings import get_settings

VIEWER = Actor(email="viewer@example.org", role="viewer")
DONOR = Actor(email="donor@example.org", role="donor")
EVERYTHING = Filters(start="2024Q1", end="2026Q3")
TODAY = date(2026, 11, 28)


def sql_rows(engine: Engine, sql: str, **params) -> list:
    with engine.connect() as connection:
        return list(connection.execute(text(sql), params))


def assisted_by_region(engine: Engine, start: str, end: str, approved_only: bool) -> dict:
    status = "AND status = 'approved'" if approved_only else ""
    rows = sql_rows(
        engine,
        "SELECT region_code, SUM(assisted) FROM reintegrationfigure "
        f"WHERE quarter BETWEEN :start AND :end {status} GROUP BY region_code",
        start=start,
        end=end,
    )
    return {code: int(total) for code, total in rows}


def metrics(engine: Engine, actor: Actor, filters: Filters) -> pd.DataFrame:
    with Session(engine) as session:
        table = region_metrics(session=session, actor=actor, filters=filters, today=TODAY)
    return table.set_index("iso_code")


def test_every_region_is_listed_with_its_census_population(demo_engine):
    table = metrics(demo_engine, VIEWER, EVERYTHING)
    populations = dict(sql_rows(demo_engine, "SELECT iso_code, population_2024 FROM region"))
    assert list(table.index) == [f"MA-{n:02d}" for n in range(1, 13)]
    assert table["population"].to_dict() == populations
    # Drâa-Tafilalet has no victim figures in the demo: still a row, marked as not reported.
    assert table.loc["MA-08", "victims_assisted"] == 0
    assert not table.loc["MA-08", "victims_reported"]
    assert pd.isna(table.loc["MA-08", "victims_per_100k"])
    assert table.loc["MA-04", "victims_reported"]


def test_staff_see_every_victim_figure_and_how_many_await_approval(demo_engine):
    table = metrics(demo_engine, VIEWER, EVERYTHING)
    everything = assisted_by_region(demo_engine, "2024Q1", "2026Q3", approved_only=False)
    approved = assisted_by_region(demo_engine, "2024Q1", "2026Q3", approved_only=True)
    for code, total in everything.items():
        assert table.loc[code, "victims_assisted"] == total
        assert table.loc[code, "unapproved_assisted"] == total - approved[code]
    rate = everything["MA-04"] * 100_000 / table.loc["MA-04", "population"]
    assert table.loc["MA-04", "victims_per_100k"] == pytest.approx(rate, abs=0.005)


@pytest.mark.parametrize("reader", [DONOR, Actor(email="x@example.org", role="auditor")])
def test_donor_sees_approved_figures_with_small_cells_suppressed(demo_engine, reader):
    # A role nobody declared reads as a donor does.
    quarter = Filters(start="2026Q2", end="2026Q2")
    table = metrics(demo_engine, reader, quarter)
    approved = assisted_by_region(demo_engine, "2026Q2", "2026Q2", approved_only=True)
    threshold = get_settings().suppression_threshold
    small = {code for code, total in approved.items() if 1 <= total <= threshold}
    assert small, "the demo quarter should hold at least one small cell"
    for code in small:
        assert pd.isna(table.loc[code, "victims_assisted"])
        assert pd.isna(table.loc[code, "victims_per_100k"])
        assert table.loc[code, "victims_suppressed"]
    shown = table[~table["victims_suppressed"]]
    for code, value in shown["victims_assisted"].items():
        assert value == approved.get(str(code), 0)
        assert not 1 <= value <= threshold
    # Unapproved 2026Q3 figures never reach a donor.
    pending = metrics(demo_engine, reader, Filters(start="2026Q3", end="2026Q3"))
    assert pending["victims_assisted"].sum() == 0


def test_period_partner_and_region_filters_change_the_figures(demo_engine):
    full = metrics(demo_engine, VIEWER, EVERYTHING)
    early = metrics(demo_engine, VIEWER, Filters(start="2024Q1", end="2024Q4"))
    assert early.loc["MA-04", "victims_assisted"] < full.loc["MA-04", "victims_assisted"]
    assert early["centres_open"].sum() < full["centres_open"].sum()
    ilo = metrics(demo_engine, VIEWER, Filters(start="2024Q1", end="2026Q3", partner="ILO"))
    assert ilo["victims_assisted"].sum() == 0  # reintegration figures are IOM's in the demo
    assert ilo.loc["MA-07", "centres_open"] == 1  # the ILO-supported Marrakech point
    rabat = metrics(demo_engine, VIEWER, Filters(start="2024Q1", end="2026Q3", region="MA-04"))
    assert rabat["in_filter"].sum() == 1
    assert rabat.loc["MA-04", "victims_assisted"] == full.loc["MA-04", "victims_assisted"]
    assert rabat.drop(index="MA-04")["victims_assisted"].isna().all()


def test_milestones_by_region_match_sql(demo_engine):
    filters = Filters(start="2025Q1", end="2025Q4", component="Protection and shelters")
    table = metrics(demo_engine, VIEWER, filters)
    rows = sql_rows(
        demo_engine,
        "SELECT ar.region_code, COUNT(*), "
        "SUM(CASE WHEN m.due_date < :today AND m.status NOT IN ('completed', 'cancelled') "
        "THEN 1 ELSE 0 END) FROM milestone m JOIN activity a ON a.id = m.activity_id "
        "JOIN activityregion ar ON ar.activity_id = a.id "
        "WHERE m.due_date BETWEEN :first AND :last AND a.component = :component "
        "GROUP BY ar.region_code",
        today=TODAY,
        first=date(2025, 1, 1),
        last=date(2025, 12, 31),
        component="Protection and shelters",
    )
    expected = {code: (int(due), int(late)) for code, due, late in rows}
    assert expected
    for code, (due, late) in expected.items():
        assert (table.loc[code, "milestones_due"], table.loc[code, "milestones_late"]) == (
            due,
            late,
        )
    assert table["milestones_due"].sum() == sum(due for due, _ in expected.values())


def test_centre_summary_counts_open_centres_and_keeps_unknown_beds_unknown(demo_engine):
    for end in ("2024Q4", "2026Q3"):
        rows = sql_rows(
            demo_engine,
            "SELECT COUNT(*), COALESCE(SUM(capacity), 0), "
            "SUM(CASE WHEN capacity IS NULL THEN 1 ELSE 0 END) FROM centre "
            "WHERE status = 'open' AND opened_on <= :day",
            day=quarter_end(end),
        )
        opened, beds, unknown = (int(v) for v in rows[0])
        with Session(demo_engine) as session:
            summary = centre_summary(
                session=session, actor=VIEWER, filters=Filters(start="2024Q1", end=end), today=TODAY
            )
        assert summary.quarter == end  # IOM staff: measured at the period's end, reported
        assert (summary.open_centres, summary.known_beds) == (opened, beds)
        assert summary.centres_without_capacity == unknown == 1  # the Fès shelter
        assert summary.total_beds is None  # never a total that counts unknown beds as zero
    assert summary.previous.quarter == "2026Q2"
    assert summary.open_centres > 2  # more centres by 2026 than at the end of 2024


def test_centre_points_give_each_centre_its_status_at_the_period_end(demo_engine):
    with Session(demo_engine) as session:
        early = centre_points(
            session=session, actor=VIEWER, filters=Filters("2024Q1", "2025Q1"), today=TODAY
        )
        late = centre_points(session=session, actor=VIEWER, filters=EVERYTHING, today=TODAY)
    status = dict(zip(early["name"], early["status_at_end"], strict=True))
    assert status["Rabat reception centre"] == "open"
    assert status["Marrakech assistance point"] == "not yet open"
    assert status["Agadir accommodation centre"] == "planned"
    assert (late["status_at_end"] == "open").sum() == 6
    fes = late[late["name"].str.startswith("Fès")].iloc[0]
    assert pd.isna(fes["capacity"])


def test_region_victims_are_suppressed_for_donors_and_flagged_for_staff(demo_engine):
    with Session(demo_engine) as session:
        donor = region_victims(session=session, actor=DONOR, filters=EVERYTHING, region="MA-04")
        staff = region_victims(session=session, actor=VIEWER, filters=EVERYTHING, region="MA-04")
    rows = sql_rows(
        demo_engine,
        "SELECT quarter, SUM(assisted) FROM reintegrationfigure WHERE region_code = 'MA-04' "
        "GROUP BY quarter ORDER BY quarter",
    )
    assert list(staff["quarter"]) == [q for q, _ in rows]
    assert list(staff["assisted"]) == [int(v) for _, v in rows]
    assert not staff.set_index("quarter").loc["2026Q3", "approved"]
    assert "2026Q3" not in set(donor["quarter"])
    threshold = get_settings().suppression_threshold
    for _, row in donor.iterrows():
        if row["assisted_suppressed"]:
            assert pd.isna(row["assisted"])
        else:
            assert not 1 <= row["assisted"] <= threshold


def test_region_activities_and_occupancy_follow_the_filters(demo_engine):
    with Session(demo_engine) as session:
        activities = region_activities(
            session=session, actor=VIEWER, filters=EVERYTHING, region="MA-04", today=TODAY
        )
        unodc = region_activities(
            session=session,
            actor=VIEWER,
            filters=Filters(start="2024Q1", end="2026Q3", partner="UNODC"),
            region="MA-04",
            today=TODAY,
        )
        occupancy = centre_occupancy(
            session=session, actor=VIEWER, filters=Filters("2025Q1", "2025Q4"), region="MA-04"
        )
    expected = sql_rows(
        demo_engine,
        "SELECT a.code FROM activity a JOIN activityregion ar ON ar.activity_id = a.id "
        "WHERE ar.region_code = 'MA-04' ORDER BY a.code",
    )
    assert list(activities["code"]) == [code for (code,) in expected]
    assert set(unodc["partner"]) == {"UNODC"}
    assert list(occupancy["quarter"]) == ["2025Q1", "2025Q2", "2025Q3", "2025Q4"]
    beds = sql_rows(
        demo_engine,
        "SELECT SUM(o.average_beds_occupied) FROM centreoccupancy o JOIN centre c "
        "ON c.id = o.centre_id WHERE c.region_code = 'MA-04' "
        "AND o.quarter BETWEEN '2025Q1' AND '2025Q4'",
    )
    assert occupancy["average_beds_occupied"].sum() == beds[0][0]


def test_small_counts_are_hidden_with_one_more_when_a_total_would_reveal_them():
    shown, hidden = suppress_small_counts(pd.Series([0, 3, 40, 12, 7]), threshold=5)
    assert list(hidden) == [False, True, False, False, True]  # 3, and the next smallest (7)
    assert shown.isna().tolist() == [False, True, False, False, True]
    assert shown.iloc[0] == 0  # a true zero is not a small cell
    shown, hidden = suppress_small_counts(pd.Series([2, 4, 40]), threshold=5)
    assert list(hidden) == [True, True, False]  # two hidden cells already protect each other


def test_a_donor_reads_occupancy_with_a_small_count_suppressed(demo_engine):
    # Every quarter holds a count, so the column reads as whole numbers; one small count must
    # still come back empty, not fail the read (it did at 100x).
    with demo_engine.begin() as connection:
        connection.execute(text("UPDATE centreoccupancy SET status = 'approved'"))
        first = connection.execute(text("SELECT MIN(id) FROM centreoccupancy")).scalar_one()
        connection.execute(
            text("UPDATE centreoccupancy SET people_accommodated = 3 WHERE id = :id"), {"id": first}
        )
    with Session(demo_engine) as session:
        shown = centre_occupancy(session=session, actor=DONOR, filters=EVERYTHING)
    threshold = get_settings().suppression_threshold
    assert shown["people_suppressed"].any()
    assert shown.loc[shown["people_suppressed"], "people_accommodated"].isna().all()
    visible = shown.loc[~shown["people_suppressed"], "people_accommodated"].dropna()
    assert not visible.between(1, threshold).any()
