"""API tokens: issued by administrators, stored as a digest, expiring, revoked at once and with
the person's access, every issue and revocation audited."""

from datetime import timedelta

import pytest
from sqlmodel import Session, col, select

from data_model import ApiToken, AuditEntry
from data_model.common import utc_now
from grantmon.services.core.access import LOCAL_ACTOR, Actor
from grantmon.services.core.commands import CommandError, NotAllowed
from grantmon.services.core.tokens import (
    USED_EVERY,
    api_tokens,
    digest,
    holder_of,
    issue_token,
    parse_lifetime,
    revoke_token,
)
from grantmon.services.core.users import remove_user

VIEWER = Actor(email="viewer@example.org", role="viewer")


def issue(engine, email: str = "donor@example.org", **options):
    with Session(engine) as session:
        return issue_token(session=session, actor=LOCAL_ACTOR, email=email, **options)


def holder(engine, token: str, later: timedelta = timedelta()):
    with Session(engine) as session:
        return holder_of(session, token, now=utc_now() + later)


def audited(engine, action: str) -> list[AuditEntry]:
    with Session(engine) as session:
        query = select(AuditEntry).where(
            col(AuditEntry.entity) == "api token", col(AuditEntry.action) == action
        )
        return list(session.exec(query))


def test_a_token_acts_as_its_person_with_their_role_and_scope(demo_engine):
    issued = issue(demo_engine, "manager.iom@example.org")
    found = holder(demo_engine, issued.token)
    assert found is not None and found.token_id == issued.id
    assert found.actor.email == "manager.iom@example.org"
    assert found.actor.role == "programme manager" and found.actor.partner_id is not None


def test_only_a_digest_is_stored_and_the_audit_row_holds_no_secret(demo_engine):
    issued = issue(demo_engine, label="Power BI")
    with Session(demo_engine) as session:
        row = session.get(ApiToken, issued.id)
    assert row is not None and row.secret_sha256 == digest(issued.token)
    assert issued.token not in row.secret_sha256
    [entry] = audited(demo_engine, "issue")
    assert issued.token not in (entry.after or "") and "donor@example.org" in (entry.after or "")
    assert entry.actor == LOCAL_ACTOR.email


@pytest.mark.parametrize("presented", ["", "gmt_not-a-token", "Bearer gmt_x", "gmt_" + "A" * 43])
def test_an_unknown_token_acts_as_nobody(demo_engine, presented):
    issue(demo_engine)
    assert holder(demo_engine, presented) is None


def test_a_token_stops_at_its_expiry(demo_engine):
    issued = issue(demo_engine, lifetime=timedelta(hours=1))
    assert holder(demo_engine, issued.token, timedelta(minutes=59)) is not None
    assert holder(demo_engine, issued.token, timedelta(minutes=61)) is None


def test_a_revoked_token_stops_at_once_and_the_revocation_is_audited(demo_engine):
    issued = issue(demo_engine)
    with Session(demo_engine) as session:
        assert revoke_token(session=session, actor=LOCAL_ACTOR, token_id=issued.id) == (
            "donor@example.org"
        )
    assert holder(demo_engine, issued.token) is None
    assert len(audited(demo_engine, "revoke")) == 1
    with Session(demo_engine) as session, pytest.raises(CommandError, match="no live token"):
        revoke_token(session=session, actor=LOCAL_ACTOR, token_id=issued.id)


def test_withdrawing_access_revokes_every_token_of_the_person(demo_engine):
    tokens = [issue(demo_engine, "viewer@example.org") for _ in range(2)]
    with Session(demo_engine) as session:
        remove_user(session=session, actor=LOCAL_ACTOR, email="viewer@example.org")
    assert [holder(demo_engine, t.token) for t in tokens] == [None, None]
    assert len(audited(demo_engine, "revoke")) == 2
    with Session(demo_engine) as session:
        states = api_tokens(session=session, actor=LOCAL_ACTOR)["state"]
    assert list(states) == ["revoked", "revoked"]


def test_the_last_use_is_recorded_at_most_once_a_minute(demo_engine):
    issued = issue(demo_engine)
    holder(demo_engine, issued.token)
    with Session(demo_engine) as session:
        first = session.get(ApiToken, issued.id).last_used_at  # type: ignore[union-attr]
    holder(demo_engine, issued.token, timedelta(seconds=10))
    with Session(demo_engine) as session:
        assert session.get(ApiToken, issued.id).last_used_at == first  # type: ignore[union-attr]
    holder(demo_engine, issued.token, USED_EVERY + timedelta(seconds=1))
    with Session(demo_engine) as session:
        assert session.get(ApiToken, issued.id).last_used_at != first  # type: ignore[union-attr]


def test_only_administrators_issue_or_revoke_and_only_for_people_with_access(demo_engine):
    with Session(demo_engine) as session, pytest.raises(NotAllowed):
        issue_token(session=session, actor=VIEWER, email="viewer@example.org")
    with pytest.raises(CommandError, match="has no access"):
        issue(demo_engine, "stranger@example.net")
    issued = issue(demo_engine)
    with Session(demo_engine) as session, pytest.raises(NotAllowed):
        revoke_token(session=session, actor=VIEWER, token_id=issued.id)
    assert holder(demo_engine, issued.token) is not None


@pytest.mark.parametrize(
    "text, lifetime",
    [("90d", timedelta(days=90)), ("12h", timedelta(hours=12)), (" 2W ", timedelta(weeks=2))],
)
def test_a_lifetime_is_days_hours_or_weeks(text, lifetime):
    assert parse_lifetime(text) == lifetime


@pytest.mark.parametrize("text", ["", "90", "0d", "367d", "1e3d", "-5d", "NaNd", "٣d", "90 days"])
def test_a_lifetime_beyond_a_year_or_unclear_is_refused_in_words(text):
    with pytest.raises(ValueError, match="is not a token lifetime"):
        parse_lifetime(text)
