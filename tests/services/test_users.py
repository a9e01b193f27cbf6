"""Giving and withdrawing access: administrators only, scoped managers, every change audited."""

import pytest
from sqlmodel import Session, func, select

from data_model import AuditEntry
from grantmon.services.core.access import LOCAL_ACTOR, Actor
from grantmon.services.core.commands import CommandError, NotAllowed
from grantmon.services.core.providers import Provider, needs_binding, provider_refusal
from grantmon.services.core.users import (
    UserCreate,
    actor_for_email,
    add_user,
    bind_user,
    provider_of,
    remove_user,
    unbound_users,
)


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


def test_a_person_is_bound_to_the_only_provider_or_the_one_named(demo_engine):
    with Session(demo_engine) as session:
        add_user(session=session, actor=LOCAL_ACTOR, user=UserCreate(email="a@iom.int",
                 role="viewer"), providers=["default"])  # fmt: skip
        add_user(session=session, actor=LOCAL_ACTOR, user=UserCreate(email="b@embassy.gov",
                 role="donor", provider="embassy"), providers=["iom", "embassy"])  # fmt: skip
        assert provider_of(session=session, actor=LOCAL_ACTOR, email="a@iom.int") == "default"
        assert provider_of(session=session, actor=LOCAL_ACTOR, email="B@embassy.gov") == "embassy"
        assert "b@embassy.gov" not in unbound_users(session=session, actor=LOCAL_ACTOR)


@pytest.mark.parametrize(
    "provider, configured, message",
    [
        (None, ["iom", "embassy"], "name the one that may sign"),
        ("embasy", ["iom", "embassy"], "Unknown identity provider 'embasy'"),
        ("iom", [], "no sign-in is configured"),
    ],
)
def test_an_unclear_provider_is_refused_and_writes_nothing(
    demo_engine, provider, configured, message
):
    user = UserCreate(email="c@iom.int", role="viewer", provider=provider)
    with Session(demo_engine) as session, pytest.raises(CommandError, match=message):
        add_user(session=session, actor=LOCAL_ACTOR, user=user, providers=configured)
    assert find(demo_engine, "c@iom.int") is None


def test_binding_a_person_ends_their_sign_ins_and_is_audited(demo_engine):
    with Session(demo_engine) as session:
        bind_user(session=session, actor=LOCAL_ACTOR, email="admin@example.org",
                  provider="iom", providers=["iom", "embassy"])  # fmt: skip
        assert provider_of(session=session, actor=LOCAL_ACTOR, email="admin@example.org") == "iom"
        actions = session.exec(select(AuditEntry.action)).all()
    assert "bind" in actions


EMBASSY = Provider(name="embassy", label="Embassy", allowed_domains=(), verified_claim="v")
IOM = Provider(name="iom", label="IOM", allowed_domains=("iom.int",), verified_claim="v")


@pytest.mark.parametrize(
    "used, bound, configured, refused",
    [
        (EMBASSY, "iom", [IOM, EMBASSY], "signs in through IOM only, not through Embassy"),
        (IOM, "iom", [IOM, EMBASSY], None),
        (EMBASSY, None, [IOM, EMBASSY], "is not bound to an identity provider"),
        (IOM, None, [IOM, EMBASSY], None),  # its domains are checked with the identity
        (EMBASSY, None, [EMBASSY], None),  # the only provider
    ],
)
def test_a_provider_signs_in_only_the_people_it_may(used, bound, configured, refused):
    found = provider_refusal("admin@example.org", used, bound, configured)
    assert (found is None) if refused is None else (refused in str(found))


def test_binding_is_needed_only_with_several_providers_one_of_them_open():
    assert not needs_binding([EMBASSY]) and not needs_binding([IOM, IOM])
    assert needs_binding([IOM, EMBASSY])
