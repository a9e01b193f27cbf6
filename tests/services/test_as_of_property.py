"""Every comparison of every view is measured at one date, whatever the day and the approvals.

For many days and many states of the quarterly review (bounded: CI runs each example on SQLite
and PostgreSQL), each read that compares figures with a plan or a target is measured at the
view's as-of date (progress.as_of), and nothing a donor reads depends on a figure still in
review: the same reads, with every figure not approved deleted, give the same answer.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine
from sqlmodel import Session

from data_model import Role
from data_model.db import make_engine, upgrade
from grantmon.periods import quarter_of, quarters_between, shift_quarter
from grantmon.services.budget.reads import budget_lines, budget_summary, burn_series
from grantmon.services.core.access import Actor
from grantmon.services.core.award import award_summary
from grantmon.services.core.database import bump_data_version
from grantmon.services.core.filters import Filters
from grantmon.services.core.kept import forget_computed
from grantmon.services.overview.reads import burn_beside_results, overview_kpis
from grantmon.services.progress.as_of import REVIEWED, AsOf, as_of
from grantmon.services.progress.ending import award_end
from grantmon.services.progress.verdicts import award_verdicts
from grantmon.services.regions.reads import centre_points, centre_summary
from grantmon.services.results.indicators import indicator_tracking, quarterly_figures
from seed.run import seed_database
from tests.conftest import fresh_postgres

DONOR = Actor(email="donor@example.org", role=Role.DONOR)
STAFF = Actor(email="admin@example.org", role=Role.ADMIN)
QUARTERS = quarters_between("2024Q1", "2026Q4")
TABLES = [table.__tablename__ for table in REVIEWED]  # type: ignore[attr-defined]
EXAMPLES = 12  # per database


@pytest.fixture(
    scope="module", params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
)
def demo(request, tmp_path_factory) -> Iterator[Engine]:
    """One demo database per kind, shared: every example's changes are rolled back."""
    with fresh_postgres() if request.param == "postgres" else _sqlite(tmp_path_factory) as url:
        engine = make_engine(url)
        upgrade(engine)
        seed_database(engine, demo=True)
        yield engine
        engine.dispose()


@contextmanager
def _sqlite(tmp_path_factory) -> Iterator[str]:
    yield f"sqlite:///{tmp_path_factory.mktemp('as_of') / 'demo.db'}"


@dataclass(frozen=True)
class Case:
    """A day, a period and the review states changed from the demo's."""

    today: date
    filters: Filters
    reviewed: tuple[tuple[str, str, str], ...]  # (table, quarter, new status)


@st.composite
def cases(draw) -> Case:
    """Days across the award and after it, periods, and quarters moved through the review."""
    today = draw(st.dates(date(2024, 2, 1), date(2027, 6, 30)))
    start = draw(st.sampled_from(QUARTERS))
    end = draw(st.sampled_from([q for q in QUARTERS if q >= start]))
    change = st.tuples(
        st.sampled_from(TABLES),
        st.sampled_from(QUARTERS[-6:]),
        st.sampled_from(["submitted", "approved", "draft", "returned"]),
    )
    return Case(today, Filters(start, end), tuple(draw(st.lists(change, max_size=4))))


@contextmanager
def reviewed(engine: Engine, case: Case) -> Iterator[Session]:
    """A session seeing the demo with the case's review states, rolled back on leaving."""
    with engine.connect() as connection:
        transaction = connection.begin()
        for table, quarter, status in case.reviewed:
            connection.execute(
                sa.text(f"UPDATE {table} SET status = :s WHERE quarter = :q"),
                {"s": status, "q": quarter},
            )
        session = Session(bind=connection)
        bump_data_version(session)  # what the reads keep is for another state of the data
        forget_computed()
        try:
            yield session
        finally:
            session.close()
            transaction.rollback()
            forget_computed()


def visible_quarters(session: Session, actor: Actor) -> set[str]:
    """The quarters holding a figure this reader may see, straight from the tables."""
    where = "WHERE status = 'approved'" if actor.is_donor else ""
    found: set[str] = set()
    for table in TABLES:
        rows = session.execute(sa.text(f"SELECT DISTINCT quarter FROM {table} {where}"))
        found |= {str(row[0]) for row in rows}
    return found


def check_the_date(session: Session, actor: Actor, case: Case, moment: AsOf) -> None:
    """The as-of quarter: the latest ended one of the period the reader has figures for."""
    bound = min(case.filters.end, shift_quarter(quarter_of(case.today), -1))
    seen = sorted(q for q in visible_quarters(session, actor) if q <= bound)
    assert moment.quarter == (seen[-1] if seen else bound), case
    assert moment.has_figures == bool(seen)
    assert moment.approved_only == actor.is_donor


def comparisons(session: Session, actor: Actor, case: Case) -> dict[str, Any]:
    """Every read that compares figures with the calendar, a plan or a target."""
    kw: dict[str, Any] = {
        "session": session,
        "actor": actor,
        "filters": case.filters,
        "today": case.today,
    }
    return {
        "budget": budget_summary(**kw),
        "lines": budget_lines(**kw),
        "burn": burn_series(**kw),
        "kpis": overview_kpis(**kw),
        "burn beside results": burn_beside_results(**kw),
        "centres": centre_summary(**kw),
        "centre points": centre_points(**kw),
        "tracking": indicator_tracking(**kw),
        "figures": quarterly_figures(**kw),
        "verdicts": award_verdicts(**kw),
        "end": award_end(**kw),
    }


def check_one_date(session: Session, actor: Actor, case: Case, moment: AsOf) -> dict[str, Any]:
    """Each comparison is measured at the as-of date and no later."""
    read: dict[str, Any] = comparisons(session, actor, case)
    award = award_summary(session=session, actor=actor)
    budget = read["budget"]
    assert budget.plan_day == moment.day and budget.end_quarter == moment.quarter
    assert budget.elapsed_share == award.elapsed_share(moment.day)
    assert read["kpis"].as_of == moment and read["kpis"].elapsed_share == budget.elapsed_share
    assert read["verdicts"].as_of == moment and read["end"].as_of == moment
    assert read["centres"].quarter == moment.quarter
    spent = read["burn"].dropna(subset=["cumulative_cents"])
    assert set(spent["quarter"]) <= {q for q in QUARTERS if q <= moment.quarter}
    drawn = read["burn beside results"].dropna(subset=["budget_spent"])
    assert (drawn["quarter"] <= moment.quarter).all()
    assert (read["figures"]["quarter"] <= moment.quarter).all()
    assert (read["tracking"]["as_of_quarter"].dropna() <= moment.quarter).all()
    open_points = (read["centre points"]["status_at_end"] == "open").sum()
    assert open_points == read["centres"].open_centres
    assert int(read["lines"]["plan_cents"].sum()) == _plan_to(read["lines"], award, moment.day)
    if actor.is_donor:
        assert budget.unapproved_cents == 0 and read["kpis"].unapproved_cents == 0
    return read


def _plan_to(lines, award, day: date) -> int:
    """Each line's budget times the share of the award period gone by on `day`, in cents."""
    total = (award.end_date - award.start_date).days
    gone = (min(max(day, award.start_date), award.end_date) - award.start_date).days
    return sum((int(b) * gone * 2 + total) // (2 * total) for b in lines["budget_cents"])


def without_unapproved(session: Session) -> None:
    """Delete every figure not approved (inside the case's transaction)."""
    for table in TABLES:
        session.execute(sa.text(f"DELETE FROM {table} WHERE status <> 'approved'"))
    bump_data_version(session)
    forget_computed()


def shown(read: dict) -> dict[str, str]:
    """The reads as text, to compare two states of the data."""
    return {name: repr(value) for name, value in read.items()}


FAST = settings(
    deadline=None,
    derandomize=True,
    max_examples=EXAMPLES,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)


def test_every_comparison_is_measured_at_the_as_of_date(demo: Engine):
    @FAST
    @given(case=cases())
    def measured_once(case: Case) -> None:
        with reviewed(demo, case) as session:
            for actor in (DONOR, STAFF):
                moment = as_of(session=session, actor=actor, filters=case.filters, today=case.today)
                check_the_date(session, actor, case, moment)
                check_one_date(session, actor, case, moment)
            donor = shown(comparisons(session, DONOR, case))
            without_unapproved(session)
            assert shown(comparisons(session, DONOR, case)) == donor, (
                f"a figure not yet approved changes what a donor reads in {case}"
            )

    measured_once()
