"""Reintegration figures match the database, follow the filters, and reach donors suppressed."""

import math

import pytest
from sqlalchemy import Engine, text
from sqlmodel import Session

from data_model import Role
from grantmon.services.core.access import Actor
from grantmon.services.core.filters import Filters
from grantmon.services.reintegration.reads import (
    breakdown,
    funnel,
    quarterly_trend,
    reintegration_totals,
    sustainability_scores,
)

DONOR = Actor(email="donor@example.org", role=Role.DONOR)
VIEWER = Actor(email="viewer@example.org", role=Role.VIEWER)
EVERYTHING = Filters(start="2024Q1", end="2026Q3")
STAGES = ["identified", "referred", "assisted", "plans_started", "plans_completed"]


def sql_totals(engine: Engine, where: str = "", **params) -> dict[str, int]:
    """Funnel totals computed independently with raw SQL."""
    sums = ", ".join(f"coalesce(sum({s}), 0) as {s}" for s in STAGES)
    query = f"select {sums} from reintegrationfigure where 1=1 {where}"
    with engine.connect() as connection:
        row = connection.execute(text(query), params).mappings().one()
    return {s: int(row[s]) for s in STAGES}


def test_iom_totals_equal_sql_over_every_row(demo_engine):
    with Session(demo_engine) as session:
        totals = reintegration_totals(session=session, actor=VIEWER, filters=EVERYTHING)
    expected = sql_totals(demo_engine)
    assert {s: getattr(totals, s) for s in STAGES} == expected
    assert totals.unapproved_figures > 0 and not totals.suppressed


def test_donor_totals_count_approved_rows_only(demo_engine):
    with Session(demo_engine) as session:
        totals = reintegration_totals(session=session, actor=DONOR, filters=EVERYTHING)
    expected = sql_totals(demo_engine, "and status = 'approved'")
    assert {s: getattr(totals, s) for s in STAGES} == expected  # all large: none suppressed
    assert totals.suppressed and totals.unapproved_figures == 0
    assert expected != sql_totals(demo_engine)


def test_filters_change_the_numbers(demo_engine):
    one_region = Filters(start="2025Q1", end="2025Q4", region="MA-04")
    with Session(demo_engine) as session:
        totals = reintegration_totals(session=session, actor=VIEWER, filters=one_region)
        nothing = reintegration_totals(
            session=session, actor=VIEWER, filters=Filters("2025Q1", "2025Q4", partner="ILO")
        )
    where = "and region_code = 'MA-04' and quarter between '2025Q1' and '2025Q4'"
    assert totals.identified == sql_totals(demo_engine, where)["identified"]
    assert totals.identified < sql_totals(demo_engine)["identified"]
    assert not nothing.has_data and nothing.identified == 0


def small_cell_filter(engine: Engine) -> Filters:
    """One approved quarter and region whose assisted-by-age-and-sex table has small cells."""
    query = (
        "select quarter, region_code from reintegrationfigure where status = 'approved' "
        "and assisted between 1 and 5 group by quarter, region_code "
        "order by count(*) desc, quarter, region_code"
    )
    with engine.connect() as connection:
        row = connection.execute(text(query)).first()
    assert row is not None, "the demo data should have small cells"
    quarter, region = row
    return Filters(start=quarter, end=quarter, region=region)


def test_donors_never_see_a_small_count_in_any_view(demo_engine):
    narrow = small_cell_filter(demo_engine)
    with Session(demo_engine) as session:
        views = [
            funnel(session=session, actor=DONOR, filters=narrow),
            quarterly_trend(session=session, actor=DONOR, filters=EVERYTHING),
            breakdown(
                session=session, actor=DONOR, filters=narrow, by="age_band", stage="assisted"
            ),
            breakdown(session=session, actor=DONOR, filters=narrow, by="region", stage="referred"),
        ]
    for view in views:
        shown = view["count"].dropna()
        assert not ((shown >= 1) & (shown <= 5)).any()
    assert views[2]["hidden"].any()  # the demo data do have small cells here


def test_iom_breakdown_is_true_and_marks_what_donors_would_not_see(demo_engine):
    narrow = small_cell_filter(demo_engine)
    with Session(demo_engine) as session:
        iom = breakdown(
            session=session, actor=VIEWER, filters=narrow, by="age_band", stage="assisted"
        )
        donor_view = breakdown(
            session=session, actor=DONOR, filters=narrow, by="age_band", stage="assisted"
        )
    with demo_engine.connect() as connection:
        expected = connection.execute(
            text(
                "select age_band, sex, sum(assisted) from reintegrationfigure "
                "where quarter = :quarter and region_code = :region group by age_band, sex"
            ),
            {"quarter": narrow.start, "region": narrow.region},
        ).all()
    cells = iom.set_index(["category", "sex"])["count"]
    for band, sex, count in expected:
        assert cells[(band, sex)] == count
    assert cells[("Total", "Total")] == sum(row[2] for row in expected)
    assert not iom["hidden"].any() and iom["donor_hidden"].any()
    # The quarter is fully approved, so IOM's marks are exactly what the donor sees hidden.
    assert donor_view["hidden"].equals(iom["donor_hidden"])


def test_breakdown_totals_agree_with_the_funnel(demo_engine):
    with Session(demo_engine) as session:
        table = breakdown(
            session=session, actor=DONOR, filters=EVERYTHING, by="region", stage="plans_completed"
        )
        totals = reintegration_totals(session=session, actor=DONOR, filters=EVERYTHING)
    grand = table.set_index(["category", "sex"]).loc[("Total", "Total"), "count"]
    assert grand == totals.plans_completed


def test_trend_adds_up_to_the_totals_and_flags_unapproved_quarters(demo_engine):
    with Session(demo_engine) as session:
        trend = quarterly_trend(session=session, actor=VIEWER, filters=EVERYTHING)
        totals = reintegration_totals(session=session, actor=VIEWER, filters=EVERYTHING)
    identified = trend[trend["stage"] == "identified"]
    assert identified["count"].sum() == totals.identified
    with demo_engine.connect() as connection:
        pending = connection.execute(
            text("select distinct quarter from reintegrationfigure where status != 'approved'")
        ).scalars()
        assert set(identified.loc[identified["unapproved"] > 0, "quarter"]) == set(pending)


def weighted_mean(engine: Engine, dimension: str, where: str = "") -> float:
    query = (
        f"select sum({dimension} * plans_completed) * 1.0 / sum(plans_completed) "
        f"from reintegrationfigure where {dimension} is not null {where}"
    )
    with engine.connect() as connection:
        return float(connection.execute(text(query)).scalar_one())


def test_scores_are_means_weighted_by_plans_completed(demo_engine):
    with Session(demo_engine) as session:
        scores = sustainability_scores(session=session, actor=DONOR, filters=EVERYTHING)
    by_dimension = scores.set_index("dimension")["score"]
    approved = "and status = 'approved'"
    for dimension in ("score_economic", "score_composite"):
        expected = weighted_mean(demo_engine, dimension, approved)
        assert by_dimension[dimension] == pytest.approx(expected)


def test_means_of_few_people_are_hidden_from_donors_only(demo_engine):
    narrow = Filters(start="2026Q2", end="2026Q2")
    with Session(demo_engine) as session:
        donor = sustainability_scores(session=session, actor=DONOR, filters=narrow, by="region")
        iom = sustainability_scores(session=session, actor=VIEWER, filters=narrow, by="region")
    few = donor[(donor["people"].isna()) & donor["hidden"]]
    assert not few.empty
    assert all(math.isnan(score) for score in few["score"])
    assert iom["score"].notna().all() and not iom["hidden"].any()
