"""Giving and withdrawing access: administrators only, scoped managers, every change audited."""

import pytest
from sqlmodel import Session, func, select

from data_model import AuditEntry
from grantmon.services.core.access import LOCAL_ACTOR, Actor
from grantmon.services.core.commands import CommandError, NotAllowed
from grantmon.services.core.users import UserCreate, actor_for_email, add_user, remove_user


def find(engine, email: str) -> Actor | None:
    with Session(engine) as session:
        return actor_for_email(session=session, actor=LOCAL_ACTOR, email=email)


def add(engine, actor: Actor = LOCAL_ACTOR, **fields) -> None:
    with Session(engine) as session:
        add_user(session=session, actor=actor, user=UserCreate(**fields))


def test_an_added_manager_signs_in_with_their_scope_whatever_the_case(demo_engine):
    add(
        demo_engine,
        email="Amina.B@IOM.int",
        role="programme manager",
        partner="ilo",
        region="MA-06",
    )
    actor = find(demo_engine, "amina.b@iom.int")
    assert actor is not None and actor.role == "programme manager"
    assert actor.region_code == "MA-06" and actor.partner_id is not None
    with Session(demo_engine) as session:
        assert session.exec(select(func.count()).select_from(AuditEntry)).one() == 1


@pytest.mark.parametrize(
    "fields, message",
    [
        ({"partner": "WHO"}, "Unknown partner"),
        ({"region": "MA-99"}, "Unknown region"),
        ({"email": "viewer@example.org"}, "already has access"),
    ],
)
def test_bad_requests_are_refused_and_write_nothing(demo_engine, fields, message):
    request = {"email": "new@example.org", "role": "programme manager", "partner": "IOM"} | fields
    with pytest.raises(CommandError, match=message):
        add(demo_engine, **request)
    assert find(demo_engine, "new@example.org") is None


@pytest.mark.parametrize(
    "scope, message",
    [
        ({}, "give the partner"),
        ({"region": "MA-04"}, "give the partner"),
        ({"partner": "IOM", "all_partners": True}, "not both"),
    ],
)
def test_a_manager_without_a_clear_partner_is_refused(demo_engine, scope, message):
    with pytest.raises(CommandError, match=message):
        add(demo_engine, email="new@example.org", role="programme manager", **scope)
    assert find(demo_engine, "new@example.org") is None


def test_a_manager_of_every_partner_is_given_only_when_asked_for(demo_engine):
    add(demo_engine, email="all@example.org", role="programme manager", all_partners=True)
    actor = find(demo_engine, "all@example.org")
    assert actor is not None and actor.partner_id is None


def test_only_administrators_give_access(demo_engine):
    with pytest.raises(NotAllowed):
        add(
            demo_engine,
            Actor(email="m@example.org", role="programme manager"),
            email="new@example.org",
            role="viewer",
        )


def test_withdrawn_access_stops_sign_in_and_can_be_given_back(demo_engine):
    with Session(demo_engine) as session:
        remove_user(session=session, actor=LOCAL_ACTOR, email="viewer@example.org")
    assert find(demo_engine, "viewer@example.org") is None
    add(demo_engine, email="viewer@example.org", role="donor")
    actor = find(demo_engine, "viewer@example.org")
    assert actor is not None and actor.role == "donor"


def test_unknown_or_empty_emails_have_no_actor(demo_engine):
    assert find(demo_engine, "stranger@example.net") is None
    assert find(demo_engine, "") is None
