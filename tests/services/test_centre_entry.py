"""Centres: status changes version-checked and audited; occupancy within capacity and unlocked."""

from datetime import date

import pytest
from sqlalchemy import text
from sqlmodel import Session, func, select

from data_model import AuditEntry, Centre, Partner
from grantmon.services.centres.entry import editable_centres, record_occupancy, update_centre
from grantmon.services.core.access import Actor
from grantmon.services.core.commands import CommandError, NotAllowed, StaleEdit
from grantmon.services.core.entry_rules import LOCKED

TODAY = date(2026, 11, 28)
ADMIN = Actor(email="admin@example.org", role="administrator")


def manager(engine, code: str = "IOM", region: str | None = None) -> Actor:
    with Session(engine) as session:
        partner = session.exec(select(Partner.id).where(Partner.code == code)).one()
    return Actor(f"manager.{code.lower()}@example.org", "programme manager", partner, region)


def centre(engine, name: str) -> Centre:
    with Session(engine) as session:
        found = session.exec(select(Centre).where(Centre.name == name)).one()
    return found


RABAT = "Rabat reception centre"
AGADIR = "Agadir accommodation centre"
FES = "Fès-Meknès emergency and temporary shelter"


def change(engine, actor, name, opened=None, **values):
    row = centre(engine, name)
    form = {"status": row.status, "opened_on": row.opened_on, "capacity": row.capacity}
    shown = dict(form) if opened is None else opened
    with Session(engine) as session:
        return update_centre(
            session=session,
            actor=actor,
            centre_id=row.id,
            values=form | {"version": row.version if opened is None else 1} | values,
            opened=shown,
            today=TODAY,
        )


def occupancy(engine, actor, name, quarter, values, opened=None):
    with Session(engine) as session:
        return record_occupancy(
            session=session,
            actor=actor,
            centre_id=centre(engine, name).id,
            quarter=quarter,
            values=values,
            opened=opened,
            today=TODAY,
        )


def stored_occupancy(engine, name, quarter):
    with engine.connect() as connection:
        return connection.execute(
            text(
                "SELECT o.people_accommodated, o.average_beds_occupied, o.entered_by"
                " FROM centreoccupancy o JOIN centre c ON c.id = o.centre_id"
                " WHERE c.name = :n AND o.quarter = :q"
            ),
            {"n": name, "q": quarter},
        ).first()


def audit_count(engine) -> int:
    with Session(engine) as session:
        return session.exec(select(func.count()).select_from(AuditEntry)).one()


def test_a_manager_opens_a_planned_centre_with_an_audit_row(demo_engine):
    saved = change(
        demo_engine,
        manager(demo_engine),
        AGADIR,
        status="open",
        opened_on=date(2026, 10, 1),
        capacity=16,
    )
    assert saved == {"status": "open", "opened_on": "2026-10-01", "capacity": 16}
    row = centre(demo_engine, AGADIR)
    assert (row.status, row.capacity, row.version, row.updated_by) == (
        "open",
        16,
        2,
        "manager.iom@example.org",
    )
    with Session(demo_engine) as session:
        entry = session.exec(select(AuditEntry)).one()
    assert (entry.entity, entry.entity_id) == ("centre", str(row.id))
    assert '"status": "planned"' in (entry.before or "")


@pytest.mark.parametrize(
    "values, field",
    [
        ({"status": "demolished"}, "status"),
        ({"capacity": -3}, "capacity"),
        ({"capacity": "many"}, "capacity"),
        ({"opened_on": "next week"}, "opened_on"),
        ({"opened_on": date(2027, 1, 5)}, "opened_on"),
        ({"status": "open", "opened_on": None}, "opened_on"),
        ({"status": "planned"}, "opened_on"),
    ],
)
def test_bad_centre_values_are_refused_per_field(demo_engine, values, field):
    with pytest.raises(CommandError) as refused:
        change(demo_engine, ADMIN, RABAT, **values)
    assert field in refused.value.field_errors
    assert centre(demo_engine, RABAT).version == 1
    assert audit_count(demo_engine) == 0


def test_managers_change_only_centres_of_their_partner_and_region(demo_engine):
    ilo = manager(demo_engine, "ILO", "MA-06")
    with Session(demo_engine) as session:
        assert list(editable_centres(session=session, actor=ilo)["name"]) == []
        names = set(editable_centres(session=session, actor=manager(demo_engine))["name"])
        everything = set(editable_centres(session=session, actor=ADMIN)["name"])
    assert RABAT in names and FES not in names  # no partner runs Fès: administrators only
    assert FES in everything and len(everything) == 7
    with pytest.raises(NotAllowed):
        change(demo_engine, ilo, RABAT, capacity=30)
    for role in ("donor", "viewer", "m&e officer"):
        with pytest.raises(NotAllowed):
            change(demo_engine, Actor("x@example.org", role), RABAT, capacity=30)


def test_a_stale_centre_form_is_refused_showing_the_other_change(demo_engine):
    row = centre(demo_engine, RABAT)
    shown = {"status": row.status, "opened_on": row.opened_on, "capacity": row.capacity}
    change(demo_engine, ADMIN, RABAT, capacity=22)
    with pytest.raises(StaleEdit) as refused:
        change(demo_engine, manager(demo_engine), RABAT, opened=shown, capacity=40)
    assert refused.value.their_changes == {"capacity": (20, 22)}
    assert centre(demo_engine, RABAT).capacity == 22


def test_occupancy_is_recorded_for_an_open_quarter(demo_engine):
    occupancy(
        demo_engine,
        manager(demo_engine),
        RABAT,
        "2026Q4",
        {"people_accommodated": 25, "average_beds_occupied": "18"},
    )
    assert stored_occupancy(demo_engine, RABAT, "2026Q4") == (25, 18, "manager.iom@example.org")
    with Session(demo_engine) as session:
        entry = session.exec(select(AuditEntry)).one()
    assert entry.entity == "centre_occupancy" and entry.before is None


def test_correcting_occupancy_needs_the_values_the_form_showed(demo_engine):
    old = stored_occupancy(demo_engine, RABAT, "2026Q3")
    shown = {"people_accommodated": old[0], "average_beds_occupied": old[1]}
    occupancy(
        demo_engine,
        ADMIN,
        RABAT,
        "2026Q3",
        {"people_accommodated": 30, "average_beds_occupied": 15},
        shown,
    )
    with pytest.raises(StaleEdit) as refused:
        occupancy(
            demo_engine,
            ADMIN,
            RABAT,
            "2026Q3",
            {"people_accommodated": 1, "average_beds_occupied": 1},
            shown,
        )
    assert refused.value.their_changes["people_accommodated"] == (old[0], 30)
    assert stored_occupancy(demo_engine, RABAT, "2026Q3")[:2] == (30, 15)


@pytest.mark.parametrize(
    "name, quarter, values, field",
    [
        (
            RABAT,
            "2026Q4",
            {"people_accommodated": 5, "average_beds_occupied": 21},
            "average_beds_occupied",
        ),
        (
            RABAT,
            "2026Q4",
            {"people_accommodated": -1, "average_beds_occupied": 2},
            "people_accommodated",
        ),
        (
            RABAT,
            "2026Q4",
            {"people_accommodated": 2.5, "average_beds_occupied": 2},
            "people_accommodated",
        ),
        (
            RABAT,
            "2026Q4",
            {"people_accommodated": "=2+3", "average_beds_occupied": 2},
            "people_accommodated",
        ),
        (
            RABAT,
            "2026Q4",
            {"people_accommodated": None, "average_beds_occupied": 2},
            "people_accommodated",
        ),
        (RABAT, "2024Q3", {"people_accommodated": 1, "average_beds_occupied": 1}, "quarter"),
        (RABAT, "2027Q1", {"people_accommodated": 1, "average_beds_occupied": 1}, "quarter"),
        (AGADIR, "2026Q4", {"people_accommodated": 1, "average_beds_occupied": 1}, "quarter"),
    ],
)
def test_bad_occupancy_is_refused_and_changes_nothing(demo_engine, name, quarter, values, field):
    with pytest.raises(CommandError) as refused:
        occupancy(demo_engine, ADMIN, name, quarter, values)
    assert field in refused.value.field_errors
    assert audit_count(demo_engine) == 0


def test_occupancy_of_an_approved_quarter_is_locked(demo_engine):
    with pytest.raises(CommandError) as refused:
        occupancy(
            demo_engine,
            ADMIN,
            RABAT,
            "2026Q2",
            {"people_accommodated": 1, "average_beds_occupied": 1},
        )
    assert refused.value.message == LOCKED
