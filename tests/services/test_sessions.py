"""Sign-in sessions end on the server: sign-out, withdrawn access, idleness and age."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import Session, col, select

from data_model import AuditEntry
from grantmon.services.core.access import LOCAL_ACTOR, Actor
from grantmon.services.core.sessions import (
    EXPIRED,
    IDLE,
    MISMATCH,
    SIGNED_OUT,
    WITHDRAWN,
    check_sign_in,
    end_sign_in,
    issued_at,
    sign_in_key,
)
from grantmon.services.core.users import UserCreate, add_user, remove_user
from grantmon.settings import get_settings

START = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
VIEWER = Actor(email="long.address.of.a.embassy.reader@embassy.example.org", role="viewer")


def token(nonce: str, at: datetime = START) -> dict:
    """The identity claims of one ID token, as st.user holds them."""
    return {"iss": "https://id.example", "aud": "grantmon", "sub": "u-1", "nonce": nonce,
            "iat": int(at.timestamp()), "email": VIEWER.email}  # fmt: skip


def check(
    engine, claims: dict, now: datetime | None = None, actor: Actor | None = None
) -> str | None:
    """What the server says of this sign-in at `now`: None while it lives, else why it ended."""
    with Session(engine) as session:
        return check_sign_in(
            session=session,
            actor=actor or Actor(email=str(claims["email"]), role="viewer"),
            key=sign_in_key(claims),
            provider="default",
            issued=issued_at(claims),
            now=now,
        )


def live_sign_in(engine, email: str, nonce: int) -> dict:
    """A sign-in of this person that has just happened, as its claims."""
    now = datetime.now(UTC)
    claims = {**token(f"live-{nonce}", now), "sub": email, "email": email}
    assert check(engine, claims, now, Actor(email=email, role="viewer")) is None
    return claims


def audit_actions(engine) -> list[str]:
    with Session(engine) as session:
        query = select(col(AuditEntry.action)).where(col(AuditEntry.entity) == "session")
        return list(session.exec(query))


@pytest.fixture
def engine(empty_engine):
    """A database where the viewer (whose address is longer than 40 characters) has access."""
    with Session(empty_engine) as session:
        add_user(session=session, actor=LOCAL_ACTOR, user=UserCreate(email=VIEWER.email,
                 role="viewer"))  # fmt: skip
    return empty_engine


def test_one_sign_in_is_audited_once_however_often_the_page_loads(engine):
    claims = token("n-1")
    for minutes in range(12):  # page loads, tabs, reconnects of one visit
        assert check(engine, claims, START + timedelta(minutes=minutes)) is None
    again = START + timedelta(minutes=13)
    assert check(engine, token("n-2", again), again) is None  # signs in again
    assert audit_actions(engine) == ["sign-in", "sign-in"]


def test_a_cookie_kept_from_before_sign_out_is_refused(engine):
    claims = token("n-1")
    assert check(engine, claims, START) is None
    for _ in range(2):  # a second click, or another server, audits nothing more
        with Session(engine) as session:
            end_sign_in(session=session, actor=VIEWER, key=sign_in_key(claims))
    assert check(engine, claims, START + timedelta(minutes=1)) == SIGNED_OUT
    assert audit_actions(engine) == ["sign-in", "sign-out"]


def test_withdrawing_access_ends_every_sign_in_of_that_person(engine):
    first, second = token("n-1"), token("n-2")
    assert check(engine, first, START) is None
    assert check(engine, second, START) is None
    with Session(engine) as session:
        remove_user(session=session, actor=LOCAL_ACTOR, email=VIEWER.email)
    with Session(engine) as session:  # given access again later: the old cookies stay dead
        add_user(session=session, actor=LOCAL_ACTOR, user=UserCreate(email=VIEWER.email,
                 role="viewer"))  # fmt: skip
    later = START + timedelta(minutes=5)
    assert check(engine, first, later) == check(engine, second, later) == WITHDRAWN


def test_a_sign_in_unused_for_the_idle_time_ends(engine):
    claims = token("n-1")
    assert check(engine, claims, START) is None
    assert check(engine, claims, START + timedelta(hours=7, minutes=59)) is None
    assert check(engine, claims, START + timedelta(hours=15, minutes=59)) is None
    assert check(engine, claims, START + timedelta(hours=24)) == IDLE
    assert check(engine, claims, START + timedelta(hours=24, minutes=1)) == IDLE


def test_a_sign_in_in_use_ends_at_its_maximum_age(engine):
    claims = token("n-1")
    hours = [hour for hour in range(0, 7 * 24 + 1, 6)]
    assert all(check(engine, claims, START + timedelta(hours=h)) is None for h in hours)
    assert check(engine, claims, START + timedelta(days=7, minutes=1)) == EXPIRED


def test_the_idle_time_and_maximum_age_are_settings(engine, monkeypatch):
    monkeypatch.setenv("GRANTMON_SESSION_IDLE_HOURS", "0.5")
    monkeypatch.setenv("GRANTMON_SESSION_MAX_DAYS", "1")
    get_settings.cache_clear()
    try:
        idle, old = token("n-1"), token("n-2")
        assert check(engine, idle, START) is None
        assert check(engine, idle, START + timedelta(minutes=31)) == IDLE
        assert check(engine, old, START) is None
        for minutes in range(20, 24 * 60, 20):
            assert check(engine, old, START + timedelta(minutes=minutes)) is None
        assert check(engine, old, START + timedelta(days=1, minutes=1)) == EXPIRED
    finally:
        get_settings.cache_clear()


def test_a_sign_in_first_seen_long_after_it_was_issued_is_refused(engine):
    # A valid cookie the server has no record of (older than the records) starts nothing.
    assert check(engine, token("n-1"), START + timedelta(hours=1)) == EXPIRED
    assert audit_actions(engine) == []


def test_a_cookie_naming_another_person_than_its_sign_in_is_refused_and_audited(engine):
    claims = token("n-1")
    assert check(engine, claims, START) is None
    forged = {**claims, "email": "admin@example.org"}  # the same sign-in, another address
    assert check(engine, forged, START + timedelta(minutes=2)) == MISMATCH
    assert check(engine, claims, START + timedelta(minutes=3)) == MISMATCH  # it stays ended
    assert audit_actions(engine) == ["sign-in", "refuse session"]
    with Session(engine) as session:
        row = session.exec(
            select(AuditEntry).where(col(AuditEntry.action) == "refuse session")
        ).one()
    assert row.actor == "admin@example.org" and VIEWER.email in row.reason
