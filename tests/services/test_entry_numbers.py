"""Numbers entered through the screens' commands: finite, in range, whole where they must be.

The refusals share one migrated plan-only database; the largest accepted figures are stored on
SQLite and PostgreSQL alike, so no column overflows.
"""

from collections.abc import Callable, Iterator
from datetime import date
from typing import Any

import pytest
from sqlalchemy import Engine, text
from sqlmodel import Session, select

from data_model import BudgetLine, Centre, Expenditure, Indicator, Milestone, Partner
from data_model.common import MAX_BEDS, MAX_DOLLARS, MAX_PEOPLE, MAX_RESULT
from data_model.db import make_engine, upgrade
from data_model.reintegration import FUNNEL_STAGES
from grantmon.services.budget.spending import add_expenditure
from grantmon.services.centres.entry import record_occupancy, update_centre
from grantmon.services.core.access import Actor
from grantmon.services.core.commands import CommandError
from grantmon.services.core.database import data_version
from grantmon.services.milestones.updates import update_milestone
from grantmon.services.reintegration.entry import enter_reintegration
from grantmon.services.results.entry import enter_results
from seed.run import seed_database

TODAY = date(2026, 11, 28)
ADMIN = Actor(email="admin@example.org", role="administrator")
SHELTER = "Fès-Meknès emergency and temporary shelter"  # open in the plan, capacity unknown


def one(session: Session, model: Any, **where: Any) -> Any:
    query = select(model)
    for name, value in where.items():
        query = query.where(getattr(model, name) == value)
    return session.exec(query).first()


def milestone(session: Session, value: Any) -> None:
    row = one(session, Milestone, code="A1.1-M3")
    update_milestone(
        session=session,
        actor=ADMIN,
        milestone_id=row.id,
        values={"status": "in progress", "percent_complete": value, "version": row.version},
        opened={},
        today=TODAY,
    )


def capacity(session: Session, value: Any) -> None:
    row = one(session, Centre, name=SHELTER)
    update_centre(
        session=session,
        actor=ADMIN,
        centre_id=row.id,
        values={"status": "open", "opened_on": row.opened_on, "capacity": value}
        | {"version": row.version},
        opened={},
        today=TODAY,
    )


def occupancy(session: Session, values: dict[str, Any]) -> None:
    record_occupancy(
        session=session,
        actor=ADMIN,
        centre_id=one(session, Centre, name=SHELTER).id,
        quarter="2026Q3",
        values={"people_accommodated": 3, "average_beds_occupied": 2} | values,
        opened=None,
        today=TODAY,
    )


def occupancy_of(field: str) -> Callable[[Session, Any], None]:
    return lambda session, value: occupancy(session, {field: value})


def result(session: Session, value: Any) -> None:
    enter_results(
        session=session,
        actor=ADMIN,
        indicator_id=one(session, Indicator, code="3.2.a").id,  # a count, not disaggregated
        quarter="2026Q3",
        values={"total": value},
        opened={},
        today=TODAY,
    )


def reintegration(session: Session, value: Any) -> None:
    counts = dict.fromkeys(FUNNEL_STAGES, 0) | {"identified": value}
    enter_reintegration(
        session=session,
        actor=ADMIN,
        quarter="2026Q3",
        region_code="MA-04",
        values={"female/18-24": counts},
        opened={},
        today=TODAY,
    )


def expenditure(session: Session, value: Any) -> None:
    iom = one(session, Partner, code="IOM")
    line = one(session, BudgetLine, partner_id=iom.id, category="travel")
    add_expenditure(
        session=session,
        actor=ADMIN,
        budget_line_id=line.id,
        values={"amount": value, "spent_on": "2026-08-01", "justification": "Checked"},
        opened_spent_cents=sum(
            session.exec(
                select(Expenditure.amount_cents).where(Expenditure.budget_line_id == line.id)
            )
        ),
        today=TODAY,
    )


FIELDS = {
    "percent_complete": milestone,
    "capacity": capacity,
    "people_accommodated": occupancy_of("people_accommodated"),
    "average_beds_occupied": occupancy_of("average_beds_occupied"),
    "total": result,
    "female/18-24 identified": reintegration,
    "amount": expenditure,
}
# What a number input, a grid cell or a script may hand a command, and the words of the refusal.
BAD = {
    "inf": (float("inf"), "finite"),
    "nan-text": ("NaN", "is not a number"),
    "1e400": ("1e400", "exponent"),
    "1e308": (1e308, "too large"),
    "huge-int": (10**20, "too large"),
    "superscript": ("²", "is not a number"),
    "underscore": ("1_0", "'_'"),
    "negative": (-1, "cannot be negative"),
}


@pytest.fixture(scope="module")
def plan_engine(tmp_path_factory) -> Iterator[Engine]:
    """A migrated plan-only database; every case here is refused, so they share it."""
    engine = make_engine(f"sqlite:///{tmp_path_factory.mktemp('numbers') / 'plan.db'}")
    upgrade(engine)
    seed_database(engine, demo=True, figures=False)
    yield engine
    engine.dispose()


@pytest.mark.parametrize("case", list(BAD))
@pytest.mark.parametrize("field", list(FIELDS))
def test_a_number_no_field_can_hold_is_refused_on_that_field(
    plan_engine: Engine, field: str, case: str
):
    value, words = BAD[case]
    if field == "amount" and isinstance(value, float):
        words = "as text"  # money typed on the screen arrives as text, never as a float
    with Session(plan_engine) as session:
        before = data_version(session)
        with pytest.raises(CommandError) as refused:
            FIELDS[field](session, value)
        assert data_version(session) == before
    assert words in refused.value.field_errors[field]


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def plan_only(request: pytest.FixtureRequest, tmp_path) -> Iterator[Engine]:
    """A plan-only database that takes writes: a SQLite file, then PostgreSQL."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'plan.db'}"
    else:
        url = str(request.getfixturevalue("postgres_url"))
    engine = make_engine(url)
    upgrade(engine)
    seed_database(engine, demo=True, figures=False)
    yield engine
    engine.dispose()


def stored(engine: Engine, sql: str) -> Any:
    with engine.connect() as connection:
        return connection.execute(text(sql)).scalar()


def test_the_largest_figures_each_field_accepts_are_stored_whole(plan_only: Engine):
    with Session(plan_only) as session:
        capacity(session, MAX_BEDS)
        occupancy(session, {"people_accommodated": MAX_PEOPLE, "average_beds_occupied": MAX_BEDS})
        result(session, MAX_RESULT)
        reintegration(session, MAX_PEOPLE)
        expenditure(session, f"{MAX_DOLLARS:,}.00")
        expenditure(session, f"{MAX_DOLLARS}.00")
    assert stored(plan_only, f"SELECT capacity FROM centre WHERE capacity = {MAX_BEDS}")
    assert stored(plan_only, "SELECT MAX(people_accommodated) FROM centreoccupancy") == MAX_PEOPLE
    assert stored(plan_only, "SELECT MAX(average_beds_occupied) FROM centreoccupancy") == MAX_BEDS
    assert stored(plan_only, "SELECT MAX(value) FROM indicatorresult") == MAX_RESULT
    assert stored(plan_only, "SELECT MAX(identified) FROM reintegrationfigure") == MAX_PEOPLE
    assert stored(plan_only, "SELECT SUM(amount_cents) FROM expenditure") == 2 * MAX_DOLLARS * 100
