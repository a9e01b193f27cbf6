"""The Overview's latest data update: data writes only, and no staff member named to a donor."""

from datetime import UTC, date, datetime

from sqlmodel import Session, col, select

from data_model import Partner, Role
from grantmon.services.core.access import Actor
from grantmon.services.core.filters import Filters
from grantmon.services.core.provenance import data_as_of
from grantmon.services.core.sessions import check_sign_in
from grantmon.services.overview.reads import burn_beside_results, latest_update
from tests.services.test_milestone_updates import manager, open_milestone, save

ADMIN = Actor(email="admin@example.org", role=Role.ADMIN)
DONOR = Actor(email="donor@example.org", role=Role.DONOR)
EVERYTHING = Filters(start="2024Q1", end="2026Q4")


def update_seen_by(engine, actor: Actor):
    with Session(engine) as session:
        return latest_update(session=session, actor=actor), data_as_of(session=session, actor=actor)


def test_signing_in_is_not_a_data_update(demo_engine):
    before = update_seen_by(demo_engine, ADMIN)
    with Session(demo_engine) as session:
        now = datetime.now(UTC)
        check_sign_in(session=session, actor=ADMIN, key="k" * 43, provider="t", issued=now)
    assert update_seen_by(demo_engine, ADMIN) == before


def test_a_donor_sees_the_partner_that_updated_not_the_person(demo_engine):
    ilo = manager(demo_engine, "ILO")
    save(demo_engine, ilo, open_milestone(demo_engine, "ILO"), percent_complete=55)
    staff, staff_as_of = update_seen_by(demo_engine, ADMIN)
    donor, donor_as_of = update_seen_by(demo_engine, DONOR)
    with Session(demo_engine) as session:
        name = session.exec(select(col(Partner.name)).where(Partner.code == "ILO")).one()
    assert staff.by == ilo.email and staff.at == donor.at == staff_as_of == donor_as_of
    assert donor.by == name and "@" not in donor.by


def test_a_donor_sees_iom_for_staff_without_a_partner(demo_engine):
    with Session(demo_engine) as session:
        assert latest_update(session=session, actor=DONOR).by == "IOM"  # the demo's loader


def test_burn_beside_results_draws_nothing_after_the_as_of_date(demo_engine):
    # 2026Q4 has not ended and holds no approved figure: nothing is measured in it, while the
    # calendar line runs over the whole award.
    with Session(demo_engine) as session:
        rows = burn_beside_results(
            session=session,
            actor=DONOR,
            filters=Filters(start="2026Q4", end="2026Q4"),
            today=date(2026, 11, 28),
        )
    assert rows["quarter"].tolist()[0] == "2024Q1" and rows["quarter"].tolist()[-1] == "2026Q4"
    assert rows["budget_spent"].isna().all() and rows["targets_reached"].isna().all()
    assert rows["period_elapsed"].iloc[-1] == 1.0


def test_burn_beside_results_stops_at_the_latest_approved_quarter(demo_engine):
    with Session(demo_engine) as session:
        rows = burn_beside_results(
            session=session, actor=DONOR, filters=EVERYTHING, today=date(2026, 12, 7)
        )
    drawn = rows.dropna(subset=["budget_spent"])
    assert drawn["quarter"].iloc[-1] == "2026Q2" and not rows["unapproved"].any()
