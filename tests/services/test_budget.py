"""Budget figures equal independent SQL totals, follow the filters and the reader's role."""

from datetime import date

import pytest
from sqlalchemy import Engine, text
from sqlmodel import Session

from data_model import Role
from grantmon.periods import quarter_end
from grantmon.services.budget.reads import (
    budget_by,
    budget_lines,
    budget_summary,
    burn_series,
    off_plan_lines,
    quarterly_spending,
)
from grantmon.services.core.access import Actor
from grantmon.services.core.award import award_summary
from grantmon.services.core.filters import Filters
from seed.run import seed_database

TODAY = date(2026, 12, 7)  # the demo's today

DONOR = Actor(email="donor@example.org", role=Role.DONOR)
VIEWER = Actor(email="viewer@example.org", role=Role.VIEWER)
EVERYTHING = Filters(start="2024Q1", end="2026Q3")

SPENT_SQL = """
    SELECT COALESCE(SUM(e.amount_cents), 0) FROM expenditure e
    JOIN budgetline b ON b.id = e.budget_line_id JOIN partner p ON p.id = b.partner_id
    WHERE e.quarter <= :end AND e.quarter >= :start
      AND (:partner = 'all' OR p.code = :partner) AND (:approved_only = 0 OR e.status = 'approved')
"""


def sql_spent(
    engine: Engine,
    *,
    end: str,
    start: str = "0000",
    partner: str = "all",
    approved_only: bool = False,
) -> int:
    """Spending computed straight from the tables, independently of the service."""
    params = {"end": end, "start": start, "partner": partner, "approved_only": int(approved_only)}
    with engine.connect() as connection:
        return int(connection.execute(text(SPENT_SQL), params).scalar_one())


def sql_budget(engine: Engine, partner: str = "all") -> int:
    query = text(
        "SELECT SUM(b.amount_cents) FROM budgetline b JOIN partner p ON p.id = b.partner_id "
        "WHERE :partner = 'all' OR p.code = :partner"
    )
    with engine.connect() as connection:
        return int(connection.execute(query, {"partner": partner}).scalar_one())


def summary(engine: Engine, actor: Actor, filters: Filters = EVERYTHING):
    with Session(engine) as session:
        return budget_summary(session=session, actor=actor, filters=filters, today=TODAY)


def test_viewer_summary_equals_sql_totals_including_unapproved(demo_engine):
    result = summary(demo_engine, VIEWER)
    assert result.budget_cents == sql_budget(demo_engine) == 2_500_000_00
    assert result.spent_cents == sql_spent(demo_engine, end="2026Q3")
    unapproved = result.spent_cents - sql_spent(demo_engine, end="2026Q3", approved_only=True)
    assert result.unapproved_cents == unapproved > 0
    assert result.spent_share == pytest.approx(result.spent_cents / result.budget_cents)
    assert result.assumed_lines == result.line_count == 24


def test_donor_sees_approved_spending_only(demo_engine):
    result = summary(demo_engine, DONOR)
    assert result.spent_cents == sql_spent(demo_engine, end="2026Q3", approved_only=True)
    assert result.spent_cents < summary(demo_engine, VIEWER).spent_cents
    assert result.unapproved_cents == 0
    assert result.last_spending_quarter == "2026Q2"  # 2026Q3 is still awaiting approval


def test_partner_and_period_filters_change_the_figures(demo_engine):
    ilo = summary(demo_engine, VIEWER, Filters(start="2024Q1", end="2026Q3", partner="ILO"))
    assert ilo.budget_cents == sql_budget(demo_engine, "ILO") == 430_000_00
    assert ilo.spent_cents == sql_spent(demo_engine, end="2026Q3", partner="ILO")
    earlier = summary(demo_engine, VIEWER, Filters(start="2024Q1", end="2025Q2"))
    assert earlier.spent_cents == sql_spent(demo_engine, end="2025Q2")
    assert earlier.spent_cents < summary(demo_engine, VIEWER).spent_cents
    assert earlier.elapsed_share < summary(demo_engine, VIEWER).elapsed_share


def test_elapsed_share_is_measured_at_the_end_of_the_period(demo_engine):
    filters = Filters(start="2024Q1", end="2025Q4")
    with Session(demo_engine) as session:
        award = award_summary(session=session, actor=VIEWER)
    day = min(quarter_end("2025Q4"), date.today())
    assert summary(demo_engine, VIEWER, filters).elapsed_share == award.elapsed_share(day)


def test_projections_extrapolate_average_and_last_two_quarters(demo_engine):
    result = summary(demo_engine, VIEWER)
    spent = sql_spent(demo_engine, end="2026Q3")
    last_two = sql_spent(demo_engine, start="2026Q2", end="2026Q3")
    # Award 2024Q1-2026Q4: 11 quarters of spending so far, one left.
    assert (result.quarters_so_far, result.quarters_remaining) == (11, 1)
    assert result.linear_cents == pytest.approx(spent + spent / 11, abs=1)
    assert result.trailing_cents == pytest.approx(spent + last_two / 2, abs=1)
    assert isinstance(result.linear_cents, int)


def test_donor_projection_starts_from_the_last_approved_quarter(demo_engine):
    result = summary(demo_engine, DONOR)
    spent = sql_spent(demo_engine, end="2026Q2", approved_only=True)
    assert (result.quarters_so_far, result.quarters_remaining) == (10, 2)
    assert result.linear_cents == pytest.approx(spent + 2 * spent / 10, abs=1)


def test_breakdowns_by_category_and_partner_add_up_to_sql(demo_engine):
    filters = Filters(start="2025Q1", end="2026Q3")
    with Session(demo_engine) as session:
        by_category = budget_by(
            session=session, actor=VIEWER, filters=filters, dimension="category", today=TODAY
        )
        by_partner = budget_by(
            session=session, actor=VIEWER, filters=filters, dimension="partner", today=TODAY
        )
    assert list(by_partner["label"]) == ["IOM", "UNODC", "ILO"]
    assert by_category["label"].iloc[0] == "Personnel"
    for frame in (by_category, by_partner):
        assert frame["budget_cents"].sum() == sql_budget(demo_engine)
        assert frame["spent_cents"].sum() == sql_spent(demo_engine, end="2026Q3")
        assert frame["in_period_cents"].sum() == sql_spent(
            demo_engine, start="2025Q1", end="2026Q3"
        )
        assert frame["spent_cents"].dtype == "int64"
    iom = by_partner.set_index("label").loc["IOM"]
    assert iom["spent_cents"] == sql_spent(demo_engine, end="2026Q3", partner="IOM")


def test_off_plan_lines_are_more_than_ten_percent_from_pro_rata_plan(demo_engine):
    with Session(demo_engine) as session:
        flagged = off_plan_lines(session=session, actor=VIEWER, filters=EVERYTHING, today=TODAY)
        every = budget_lines(session=session, actor=VIEWER, filters=EVERYTHING, today=TODAY)
    elapsed = summary(demo_engine, VIEWER).elapsed_share
    for row in every.itertuples():
        plan = row.budget_cents * elapsed
        off = abs(row.spent_cents / plan - 1) > 0.10
        assert (row.status != "on plan") == off, row
    lines = {(r.partner, r.category): r.status for r in flagged.itertuples()}
    assert lines[("IOM", "Travel")] == "over plan"  # the demo's deliberately fast line
    assert lines[("UNODC", "Equipment")] == "under plan"
    assert len(flagged) < len(every)


def test_burn_series_runs_to_award_end_with_plan_reaching_the_budget(demo_engine):
    with Session(demo_engine) as session:
        series = burn_series(session=session, actor=VIEWER, filters=EVERYTHING, today=TODAY)
        quarterly = quarterly_spending(session=session, actor=VIEWER, filters=EVERYTHING)
    assert (series["quarter"].iloc[0], series["quarter"].iloc[-1]) == ("2024Q1", "2026Q4")
    assert series["plan_cents"].iloc[-1] == sql_budget(demo_engine)
    assert series["cumulative_cents"].iloc[-2] == sql_spent(demo_engine, end="2026Q3")
    assert quarterly["spent_cents"].sum() == quarterly["cumulative_cents"].iloc[-1]
    assert series["linear_cents"].iloc[-1] == summary(demo_engine, VIEWER).linear_cents


def test_without_budget_lines_the_figures_are_empty_not_errors(empty_engine):
    seed_database(empty_engine, demo=False)
    result = summary(empty_engine, VIEWER)
    assert (result.line_count, result.budget_cents, result.spent_cents) == (0, 0, 0)
    assert result.spent_share is None and result.linear_cents is None
    with Session(empty_engine) as session:
        assert off_plan_lines(session=session, actor=VIEWER, filters=EVERYTHING, today=TODAY).empty
        series = burn_series(session=session, actor=VIEWER, filters=EVERYTHING, today=TODAY)
    assert series["cumulative_cents"].isna().all()
