"""Every service read names the roles that may call it and refuses the others, so the command
line, a test or a new screen cannot show a donor what the screens keep from them."""

import importlib
import inspect
import pkgutil
import re
from collections.abc import Callable, Iterator
from typing import Any

import pandas as pd
import pytest
from sqlalchemy import Engine, text
from sqlmodel import Session

import grantmon.services
from data_model import Role
from grantmon.services.budget.spending import line_expenditures
from grantmon.services.centres.entry import occupancy_history
from grantmon.services.core.access import (
    Actor,
    ReadRefused,
    is_command,
    may_read,
    readers_of,
)
from grantmon.services.core.audit import record_history
from grantmon.services.core.users import UserCreate, active_users, add_user
from grantmon.services.reintegration.entry import reintegration_grid
from grantmon.services.results.entry import result_grid

DONOR = Actor(email="donor@example.org", role=Role.DONOR)
ADMIN = Actor(email="admin@example.org", role=Role.ADMIN)
NEWCOMER = "new.viewer@example.org"
STAFF_ACTORS = [
    ADMIN,
    Actor(email="me.officer@example.org", role=Role.ME_OFFICER),
    Actor(email="manager.iom@example.org", role=Role.MANAGER),
    Actor(email="viewer@example.org", role=Role.VIEWER),
]
EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[a-z]{2,}")


def service_functions() -> Iterator[tuple[str, Callable[..., Any]]]:
    """Every public function defined in a module under grantmon.services, by dotted name."""
    prefix = grantmon.services.__name__ + "."
    for found in pkgutil.walk_packages(grantmon.services.__path__, prefix):
        module = importlib.import_module(found.name)
        for name, function in vars(module).items():
            defined_here = getattr(function, "__module__", None) == module.__name__
            if not name.startswith("_") and inspect.isfunction(function) and defined_here:
                yield f"{module.__name__}.{name}", function


def reads_stored_data_for_an_actor(function: Callable[..., Any]) -> bool:
    """A function given a database session and an actor: a read or a command."""
    parameters = inspect.signature(function).parameters
    return "session" in parameters and "actor" in parameters


SERVICE_CALLS = [
    (name, function)
    for name, function in service_functions()
    if reads_stored_data_for_an_actor(function)
]
READS = [(name, function) for name, function in SERVICE_CALLS if not is_command(function)]
STAFF_ONLY = [
    (name, read) for name, read in READS if readers_of(read) and not may_read(read, DONOR)
]


def test_every_read_and_command_is_declared():
    """A new read that forgets to name its roles fails here, before any screen calls it."""
    undeclared = [
        name
        for name, function in SERVICE_CALLS
        if readers_of(function) is None and not is_command(function)
    ]
    assert len(SERVICE_CALLS) > 60  # the walk reaches every group of services
    assert undeclared == []


def test_no_command_is_declared_a_read_too():
    assert [name for name, f in SERVICE_CALLS if is_command(f) and readers_of(f)] == []


@pytest.mark.parametrize("name, read", STAFF_ONLY, ids=[name for name, _ in STAFF_ONLY])
def test_a_staff_read_refuses_a_donor_before_it_reads_anything(name, read):
    # No session is given: the refusal comes before the read touches the database.
    with pytest.raises(ReadRefused, match=r"Your role \(donor\) does not let you see"):
        read(session=None, actor=DONOR)


def one(engine: Engine, sql: str) -> Any:
    with engine.connect() as connection:
        return connection.execute(text(sql)).scalar_one()


def small_cell_quarter(engine: Engine) -> tuple[str, str]:
    """A quarter and region where the recipient stored a true count from 1 to 5."""
    sql = (
        "SELECT quarter || ' ' || region_code FROM reintegrationfigure "
        "WHERE assisted BETWEEN 1 AND 5 AND partner_id = (SELECT recipient_id FROM award) "
        "ORDER BY quarter, region_code LIMIT 1"
    )
    quarter, region = str(one(engine, sql)).split(" ")
    return quarter, region


def unapproved_result(engine: Engine) -> tuple[int, str]:
    """An indicator and quarter with a result not yet approved."""
    sql = (
        "SELECT indicator_id || ' ' || quarter FROM indicatorresult "
        "WHERE status <> 'approved' ORDER BY quarter, indicator_id LIMIT 1"
    )
    indicator, quarter = str(one(engine, sql)).split(" ")
    return int(indicator), quarter


def a_person_given_access(engine: Engine) -> str:
    """An audited change made by an administrator: access given to someone."""
    with Session(engine) as session:
        add_user(session=session, actor=ADMIN, user=UserCreate(email=NEWCOMER, role="viewer"))
    return NEWCOMER


def the_six(engine: Engine) -> dict[str, tuple[Callable[..., pd.DataFrame], dict[str, Any]]]:
    """The reads the screens kept from donors, each with inputs that find true data."""
    quarter, region = small_cell_quarter(engine)
    indicator, result_quarter = unapproved_result(engine)
    line = one(engine, "SELECT budget_line_id FROM expenditure ORDER BY id LIMIT 1")
    centre = one(engine, "SELECT centre_id FROM centreoccupancy ORDER BY id LIMIT 1")
    if one(engine, f"SELECT count(*) FROM auditentry WHERE entity_id = '{NEWCOMER}'") == 0:
        a_person_given_access(engine)
    return {
        "record_history": (record_history, {"entity": "user", "entity_id": NEWCOMER}),
        "reintegration_grid": (reintegration_grid, {"quarter": quarter, "region_code": region}),
        "result_grid": (result_grid, {"indicator_id": indicator, "quarter": result_quarter}),
        "active_users": (active_users, {}),
        "line_expenditures": (line_expenditures, {"budget_line_id": line}),
        "occupancy_history": (occupancy_history, {"centre_id": centre}),
    }


def called(engine: Engine, read: Callable[..., pd.DataFrame], actor: Actor, **inputs: Any):
    with Session(engine) as session:
        return read(session=session, actor=actor, **inputs)


SIX = [
    "record_history",
    "reintegration_grid",
    "result_grid",
    "active_users",
    "line_expenditures",
    "occupancy_history",
]


@pytest.mark.parametrize("read_name", SIX)
def test_a_donor_is_refused_what_the_screens_kept_from_them(demo_engine, read_name):
    read, inputs = the_six(demo_engine)[read_name]
    with pytest.raises(ReadRefused) as refused:
        called(demo_engine, read, DONOR, **inputs)
    assert "donor" in refused.value.message and "Your role" in refused.value.message


def test_what_a_donor_was_refused_is_true_data_that_staff_read(demo_engine):
    reads = {
        name: called(demo_engine, read, ADMIN, **inputs)
        for name, (read, inputs) in the_six(demo_engine).items()
    }
    assert reads["reintegration_grid"]["assisted"].between(1, 5).any()  # a true small count
    assert (reads["result_grid"]["status"].dropna() != "approved").any()  # not yet approved
    assert ADMIN.email in set(reads["record_history"]["actor"])  # a staff e-mail address
    assert NEWCOMER in set(reads["active_users"]["email"])


@pytest.mark.parametrize("actor", STAFF_ACTORS, ids=[a.role for a in STAFF_ACTORS])
def test_staff_roles_read_the_entry_grids_and_trails(demo_engine, actor):
    for name, (read, inputs) in the_six(demo_engine).items():
        if name == "active_users":
            continue  # administrators only (below)
        assert not called(demo_engine, read, actor, **inputs).empty, name


@pytest.mark.parametrize("actor", STAFF_ACTORS[1:], ids=[a.role for a in STAFF_ACTORS[1:]])
def test_only_administrators_list_who_has_access(demo_engine, actor):
    with pytest.raises(ReadRefused, match="who has access"):
        called(demo_engine, active_users, actor)
