"""Tokens for the read API: issued by an administrator for one user, shown once, stored as a
digest, expiring, revoked at once on every server (each request reads the database)."""

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pandas as pd
from pydantic import BaseModel
from sqlalchemy import Executable, select, update
from sqlmodel import Session, col

from data_model import ApiToken, Role, User
from data_model.common import utc_now
from grantmon.i18n import N_, t
from grantmon.services.core.access import ADMINISTRATORS, Actor, command, readable_by
from grantmon.services.core.commands import CommandError, NotAllowed, one_transaction, record_change
from grantmon.services.core.sql import frame

PREFIX = "gmt_"  # says what the string is when it turns up in a file or a log
SECRET_BYTES = 32  # 256 bits: a digest without salt is enough, nobody can guess it
ENTITY = "api token"
DEFAULT_LIFETIME = timedelta(days=90)
LONGEST_LIFETIME = timedelta(days=366)
LIFETIME = re.compile(r"^\s*([0-9]{1,4})\s*([dhw])\s*$", re.IGNORECASE)
UNITS = {"h": timedelta(hours=1), "d": timedelta(days=1), "w": timedelta(weeks=1)}
# last_used_at is written at most this often: a client paging fast writes nothing more.
USED_EVERY = timedelta(minutes=1)
ACTIVE, EXPIRED, REVOKED = "active", "expired", "revoked"


def digest(token: str) -> str:
    """The stored form of a token: its SHA-256, in hex."""
    return hashlib.sha256(token.strip().encode()).hexdigest()


def parse_lifetime(text: str) -> timedelta:
    """'90d', '12h' or '2w' as a duration from 1 hour to 366 days, or ValueError in words."""
    found = LIFETIME.match(text or "")
    lifetime = int(found.group(1)) * UNITS[found.group(2).lower()] if found else None
    if lifetime is None or not timedelta(hours=1) <= lifetime <= LONGEST_LIFETIME:
        raise ValueError(
            t(
                "'{text}' is not a token lifetime: write a number of days, hours or weeks "
                "such as 90d, 12h or 2w, from 1 hour to 366 days.",
                text=text,
            )
        )
    return lifetime


class IssuedToken(BaseModel):
    """A token just issued: the only time its secret exists outside the person's hands."""

    id: int
    email: str
    expires_at: datetime
    token: str


def _only_administrators(actor: Actor) -> None:
    if actor.role != Role.ADMIN:
        raise NotAllowed(t("Only administrators can issue or revoke API tokens."))


def _active_user(session: Session, email: str) -> User:
    user = (
        session.execute(select(User).where(col(User.email) == email.strip().lower()))
        .scalars()
        .first()
    )
    if user is None or not user.active:
        raise CommandError(t("{email} has no access: give them access first.", email=email))
    return user


@command
def issue_token(
    *,
    session: Session,
    actor: Actor,
    email: str,
    lifetime: timedelta = DEFAULT_LIFETIME,
    label: str = "",
) -> IssuedToken:
    """Issue a token that acts as this user until it expires (administrators only)."""
    _only_administrators(actor)
    if not timedelta(hours=1) <= lifetime <= LONGEST_LIFETIME:
        raise CommandError(t("A token lasts from 1 hour to 366 days."))
    token = PREFIX + secrets.token_urlsafe(SECRET_BYTES)
    now = utc_now()
    with one_transaction(session):
        user = _active_user(session, email)
        assert user.id is not None
        row = ApiToken(
            user_id=user.id,
            secret_sha256=digest(token),
            label=label.strip()[:100],
            created_by=actor.email,
            created_at=now,
            expires_at=now + lifetime,
        )
        session.add(row)
        session.flush()
        assert row.id is not None
        after = {"user": user.email, "expires_at": row.expires_at.isoformat(), "label": row.label}
        record_change(
            session,
            actor=actor,
            action="issue",
            entity=ENTITY,
            entity_id=row.id,
            before=None,
            after=after,
        )
        return IssuedToken(id=row.id, email=user.email, expires_at=row.expires_at, token=token)


@command
def revoke_token(*, session: Session, actor: Actor, token_id: int) -> str:
    """Revoke a token at once, on every server (administrators only); whose it was."""
    _only_administrators(actor)
    with one_transaction(session):
        found = session.execute(
            select(ApiToken, col(User.email))
            .join(User, col(User.id) == col(ApiToken.user_id))
            .where(col(ApiToken.id) == token_id)
        ).first()
        if found is None or found[0].revoked_at is not None:
            raise CommandError(t("There is no live token {id} to revoke.", id=token_id))
        _revoke(session, found[0], actor)
        return str(found[1])


def _revoke(session: Session, row: ApiToken, actor: Actor, reason: str = "") -> None:
    row.revoked_at, row.revoked_by = utc_now(), actor.email
    session.add(row)
    record_change(
        session,
        actor=actor,
        action="revoke",
        entity=ENTITY,
        entity_id=row.id,
        before={"revoked": False},
        after={"revoked": True},
        reason=reason,
    )


def revoke_tokens_of(session: Session, by: Actor, user_id: int, reason: str) -> int:
    """Revoke every live token of one user, as a step of the caller's command (which checks
    `by`'s role, in its transaction); how many."""
    rows = session.execute(
        select(ApiToken).where(col(ApiToken.user_id) == user_id, col(ApiToken.revoked_at).is_(None))
    ).scalars()
    revoked = 0
    for row in rows.all():
        _revoke(session, row, by, reason)
        revoked += 1
    return revoked


@readable_by(ADMINISTRATORS, N_("the API tokens"))
def api_tokens(*, session: Session, actor: Actor) -> pd.DataFrame:
    """Every token ever issued, newest first: whose, its state, expiry and last use."""
    query: Executable = (
        select(
            col(ApiToken.id),
            col(User.email),
            col(User.role),
            col(ApiToken.label),
            col(ApiToken.created_at),
            col(ApiToken.created_by),
            col(ApiToken.expires_at),
            col(ApiToken.last_used_at),
            col(ApiToken.revoked_at),
        )
        .join(User, col(User.id) == col(ApiToken.user_id))
        .order_by(col(ApiToken.id).desc())
    )
    tokens = frame(session, query)
    now = pd.Timestamp(utc_now())
    expires = pd.to_datetime(tokens["expires_at"], utc=True)
    tokens["state"] = [
        REVOKED if not pd.isna(revoked) else EXPIRED if expiry <= now else ACTIVE
        for revoked, expiry in zip(tokens["revoked_at"], expires, strict=True)
    ]
    return tokens


@dataclass(frozen=True)
class TokenHolder:
    """Whom a presented token acts for, and which token it is."""

    token_id: int
    actor: Actor


def holder_of(session: Session, token: str, now: datetime | None = None) -> TokenHolder | None:
    """The live token's user as an actor, or None (unknown, expired, revoked, access withdrawn).

    Read from the database on every request: a revocation on any server holds at the next
    call. The last use is written at most once a minute, outside the audit trail.
    """
    now = now or utc_now()
    found = session.execute(
        select(ApiToken, User)
        .join(User, col(User.id) == col(ApiToken.user_id))
        .where(col(ApiToken.secret_sha256) == digest(token), col(ApiToken.revoked_at).is_(None))
        .where(col(User.active))
    ).first()
    if found is None or _utc(found[0].expires_at) <= now:
        return None
    row, user = found[0], found[1]
    assert row.id is not None
    if row.last_used_at is None or now - _utc(row.last_used_at) >= USED_EVERY:
        _note_use(session, row.id, now)
    actor = Actor(
        email=user.email, role=user.role, partner_id=user.partner_id, region_code=user.region_code
    )
    return TokenHolder(token_id=row.id, actor=actor)


def _note_use(session: Session, token_id: int, now: datetime) -> None:
    # Not a change to the data: no audit row, and every cache stays valid.
    session.rollback()
    session.execute(
        update(ApiToken)
        .where(col(ApiToken.id) == token_id)
        .values(last_used_at=now)
        .execution_options(synchronize_session=False)
    )
    session.commit()


def _utc(moment: datetime) -> datetime:
    # SQLite hands back naive datetimes; every stored time is UTC.
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
