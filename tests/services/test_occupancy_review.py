"""Centre occupancy takes part in the quarterly review: a donor sees it only once approved."""

from typing import Any

from sqlalchemy import Engine, text
from sqlmodel import Session

from data_model import Role
from grantmon.services.centres.entry import record_occupancy
from grantmon.services.core.access import Actor
from grantmon.services.core.commands import take_notices
from grantmon.services.core.filters import Filters
from grantmon.services.regions.reads import centre_occupancy
from grantmon.services.workflow.commands import (
    approve_quarter,
    reopen_quarter,
    return_quarter,
    submit_quarter,
)
from tests.services.test_centre_entry import ADMIN, FES, RABAT, TODAY, centre, manager, occupancy
from tests.services.test_workflow import IOM, ME, act, report, statuses

DONOR = Actor(email="donor@example.org", role=Role.DONOR)
VIEWER = Actor(email="viewer@example.org", role=Role.VIEWER)
Q4 = Filters(start="2026Q4", end="2026Q4")
FIGURES = {"people_accommodated": 25, "average_beds_occupied": 18}
SMALL = {"people_accommodated": 3, "average_beds_occupied": 2}


def stored(engine: Engine, name: str, quarter: str) -> Any:
    """(status, version, people accommodated) of a centre's occupancy row, or None."""
    with engine.connect() as connection:
        return connection.execute(
            text(
                "select o.status, o.version, o.people_accommodated from centreoccupancy o"
                " join centre c on c.id = o.centre_id where c.name = :n and o.quarter = :q"
            ),
            {"n": name, "q": quarter},
        ).one_or_none()


def shown(engine: Engine, actor: Actor, name: str, filters: Filters = Q4) -> list[tuple]:
    """(quarter, people accommodated, approved) of a centre as the Regions drill-down reads it."""
    region = centre(engine, name).region_code
    with Session(engine) as session:
        table = centre_occupancy(session=session, actor=actor, filters=filters, region=region)
    rows = table[table["centre"] == name]
    people = rows["people_accommodated"].astype(object).where(rows["people_accommodated"].notna())
    return list(zip(rows["quarter"], people, rows["approved"].astype(bool), strict=True))


def test_occupancy_moves_with_its_partners_quarter_and_a_donor_sees_it_once_approved(demo_engine):
    occupancy(demo_engine, manager(demo_engine), RABAT, "2026Q4", FIGURES)
    assert stored(demo_engine, RABAT, "2026Q4") == ("draft", 1, 25)
    assert shown(demo_engine, DONOR, RABAT) == []
    assert shown(demo_engine, VIEWER, RABAT) == [("2026Q4", 25, False)]
    act(demo_engine, submit_quarter, manager(demo_engine), IOM, "2026Q4")
    assert stored(demo_engine, RABAT, "2026Q4")[0] == "submitted"
    assert shown(demo_engine, DONOR, RABAT) == []
    act(demo_engine, approve_quarter, ME, IOM, "2026Q4")
    assert stored(demo_engine, RABAT, "2026Q4")[0] == "approved"
    assert shown(demo_engine, DONOR, RABAT) == [("2026Q4", 25, True)]
    act(demo_engine, reopen_quarter, ADMIN, IOM, "2026Q4", reason="Wrong centre figures")
    assert stored(demo_engine, RABAT, "2026Q4")[0] == "draft"
    assert shown(demo_engine, DONOR, RABAT) == []


def test_a_returned_quarter_returns_its_occupancy(demo_engine):
    act(demo_engine, return_quarter, ME, IOM, "2026Q3", comment="Check Rabat's beds")
    assert stored(demo_engine, RABAT, "2026Q3")[0] == "returned"
    assert statuses(demo_engine)[("IOM", "2026Q3")].returned > 0
    q3 = Filters(start="2026Q3", end="2026Q3")
    assert shown(demo_engine, DONOR, RABAT, q3) == []
    assert shown(demo_engine, VIEWER, RABAT, q3)[0][2] is False


def test_a_change_after_submission_takes_the_quarter_back_and_stays_hidden(demo_engine):
    q3 = Filters(start="2026Q3", end="2026Q3")
    before = stored(demo_engine, RABAT, "2026Q3")
    assert before[0] == "submitted" and report(demo_engine, IOM, "2026Q3").status == "submitted"
    with Session(demo_engine) as session:
        occupancy_in(
            session, demo_engine, "2026Q3", {"people_accommodated": 3, "average_beds_occupied": 2}
        )
        notices = take_notices(session)
    assert "took it back to 'in progress'" in notices[0]
    assert report(demo_engine, IOM, "2026Q3").status == "in progress"
    status, version, people = stored(demo_engine, RABAT, "2026Q3")
    assert (status, people) == ("draft", 3) and version > before[1]
    assert shown(demo_engine, DONOR, RABAT, q3) == []
    assert shown(demo_engine, VIEWER, RABAT, q3) == [("2026Q3", 3, False)]


def occupancy_in(session: Session, engine: Engine, quarter: str, values: dict[str, int]) -> None:
    """Rabat's occupancy saved over what is stored, as the entry screen would."""
    rabat = centre(engine, RABAT)
    with engine.connect() as connection:
        people, beds = connection.execute(
            text(
                "select people_accommodated, average_beds_occupied from centreoccupancy"
                " where centre_id = :c and quarter = :q"
            ),
            {"c": rabat.id, "q": quarter},
        ).one()
    record_occupancy(
        session=session,
        actor=manager(engine),
        centre_id=int(rabat.id or 0),
        quarter=quarter,
        values=values,
        opened={"people_accommodated": people, "average_beds_occupied": beds},
        today=TODAY,
    )


def test_a_centre_without_partner_counts_in_the_recipients_quarter(demo_engine):
    before = statuses(demo_engine)[("IOM", "2026Q4")].figures
    occupancy(demo_engine, ADMIN, FES, "2026Q4", FIGURES)
    assert statuses(demo_engine)[("IOM", "2026Q4")].draft == before + 1
    act(demo_engine, submit_quarter, ADMIN, IOM, "2026Q4")
    assert stored(demo_engine, FES, "2026Q4")[0] == "submitted"
    assert statuses(demo_engine)[("IOM", "2026Q4")].submitted == before + 1


def test_saving_the_same_occupancy_again_keeps_its_status_and_version(demo_engine):
    occupancy(demo_engine, manager(demo_engine), RABAT, "2026Q4", FIGURES)
    act(demo_engine, submit_quarter, manager(demo_engine), IOM, "2026Q4")
    submitted = stored(demo_engine, RABAT, "2026Q4")
    occupancy(demo_engine, manager(demo_engine), RABAT, "2026Q4", FIGURES, FIGURES)
    assert stored(demo_engine, RABAT, "2026Q4") == submitted
    assert report(demo_engine, IOM, "2026Q4").status == "submitted"
