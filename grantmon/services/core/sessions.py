"""Sign-in sessions kept on the server: one per real sign-in, ended by sign-out, withdrawn
access, idleness or age, on whichever server the person reaches next."""

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col

from data_model import SignInSession
from data_model.common import utc_now
from grantmon.i18n import t
from grantmon.services.core.access import Actor, command
from grantmon.services.core.commands import one_transaction, record_change
from grantmon.settings import get_settings

SIGNED_OUT = "signed out"
WITHDRAWN = "access withdrawn"
IDLE = "idle"
EXPIRED = "expired"
MISMATCH = "refused"  # the browser's identity names another person than the sign-in recorded
# The claims that make one ID token: a new sign-in gets a new nonce and time of issue, while
# every page load, tab and reconnect of the same sign-in presents the same ones.
IDENTITY_CLAIMS = ("iss", "aud", "sub", "iat", "nonce")
# A sign-in first seen this long after its token was issued is not one that just happened
# (its record was lost, or it predates the records): the person signs in again.
FRESH_SIGN_IN = timedelta(minutes=10)
# last_seen_at is written at most this often: idleness is counted in hours.
SEEN_EVERY = timedelta(minutes=1)


def sign_in_key(claims: Mapping[str, Any]) -> str:
    """A stable digest of one sign-in, from the ID token's identity claims."""
    identity = {name: claims.get(name) for name in IDENTITY_CLAIMS}
    return hashlib.sha256(json.dumps(identity, sort_keys=True, default=str).encode()).hexdigest()


def issued_at(claims: Mapping[str, Any]) -> datetime | None:
    """When the ID token was issued (its iat claim), if it says."""
    try:
        return datetime.fromtimestamp(float(claims["iat"]), UTC)
    except (KeyError, TypeError, ValueError, OverflowError):
        return None


@dataclass(frozen=True)
class _Seen:
    """One sign-in as a browser presents it, at one moment."""

    actor: Actor
    key: str
    provider: str
    issued: datetime | None
    now: datetime


@command
def check_sign_in(
    *,
    session: Session,
    actor: Actor,
    key: str,
    provider: str,
    issued: datetime | None,
    now: datetime | None = None,
) -> str | None:
    """Record a new sign-in or mark this one seen; the reason it has ended, or None if live."""
    seen = _Seen(actor, key, provider, issued, now or utc_now())
    try:
        return _check(session, seen)
    except IntegrityError:  # another server recorded the same sign-in a moment ago
        session.rollback()
        return _check(session, seen)


def _check(session: Session, seen: _Seen) -> str | None:
    # Most reruns only read: a live sign-in seen within the minute needs no write (and no
    # write lock on SQLite).
    peek = session.get(SignInSession, seen.key)
    if peek is not None and peek.ended_at is not None:
        return peek.end_reason or SIGNED_OUT
    if peek is not None and _unchanged(peek, seen):
        return None
    session.rollback()  # end the read before the write transaction begins
    with one_transaction(session):
        record = session.get(SignInSession, seen.key, with_for_update=True)
        if record is None:
            return _start(session, seen)
        if record.ended_at is not None:
            return record.end_reason or SIGNED_OUT
        if record.email != seen.actor.email:  # the token names another person than the record
            _audit(session, seen.actor, "refuse session", seen.key, reason=record.email)
            return _end(session, record, seen.now, MISMATCH)
        reason = _age_problem(record, seen.now)
        if reason:
            return _end(session, record, seen.now, reason)
        if seen.now - _utc(record.last_seen_at) >= SEEN_EVERY:
            record.last_seen_at = seen.now
            session.add(record)
    return None


def _start(session: Session, seen: _Seen) -> str | None:
    if seen.issued is None or seen.now - seen.issued > FRESH_SIGN_IN:
        return EXPIRED
    session.add(
        SignInSession(
            id=seen.key,
            email=seen.actor.email,
            provider=seen.provider,
            started_at=seen.now,
            last_seen_at=seen.now,
        )
    )
    session.flush()  # a second server recording the same sign-in fails here, not at commit
    _audit(session, seen.actor, "sign-in", seen.key)
    return None


def _unchanged(record: SignInSession, seen: _Seen) -> bool:
    recent = seen.now - _utc(record.last_seen_at) < SEEN_EVERY
    return recent and record.email == seen.actor.email and not _age_problem(record, seen.now)


def _age_problem(record: SignInSession, now: datetime) -> str | None:
    settings = get_settings()
    if now - _utc(record.started_at) > settings.session_max_age:
        return EXPIRED
    if now - _utc(record.last_seen_at) > settings.session_idle:
        return IDLE
    return None


def _end(session: Session, record: SignInSession, now: datetime, reason: str) -> str:
    record.ended_at, record.end_reason = now, reason
    session.add(record)
    return reason


@command
def end_sign_in(*, session: Session, actor: Actor, key: str) -> None:
    """Sign out: end this sign-in on every server, and audit it once."""
    with one_transaction(session):
        ended = session.execute(
            update(SignInSession)
            .where(col(SignInSession.id) == key, col(SignInSession.ended_at).is_(None))
            .values(ended_at=utc_now(), end_reason=SIGNED_OUT)
            .execution_options(synchronize_session=False)
        )
        if ended.rowcount:  # type: ignore[attr-defined]
            _audit(session, actor, "sign-out", key)


def end_sign_ins_of(session: Session, email: str) -> int:
    """End every live sign-in of one person, inside the caller's transaction; how many."""
    ended = session.execute(
        update(SignInSession)
        .where(col(SignInSession.email) == email, col(SignInSession.ended_at).is_(None))
        .values(ended_at=utc_now(), end_reason=WITHDRAWN)
        .execution_options(synchronize_session=False)
    )
    return int(ended.rowcount)  # type: ignore[attr-defined]


def _audit(session: Session, actor: Actor, action: str, key: str, reason: str = "") -> None:
    # The record names the sign-in by the start of its key, never by the token itself.
    record_change(
        session,
        actor=actor,
        action=action,
        entity="session",
        entity_id=key[:12],
        before=None,
        after=None,
        reason=t("recorded for {email}", email=reason) if reason else "",
    )


def _utc(moment: datetime) -> datetime:
    # SQLite hands back naive datetimes; every stored time is UTC.
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
