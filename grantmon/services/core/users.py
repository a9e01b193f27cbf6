"""People allowed into the dashboard, as actors; giving and withdrawing access."""

import re

import pandas as pd
from pydantic import BaseModel, field_validator
from sqlalchemy import Executable, select
from sqlmodel import Session, col

from data_model import Partner, Region, Role, User
from grantmon.i18n import N_, t
from grantmon.services.core.access import ADMINISTRATORS, Actor, command, readable_by
from grantmon.services.core.commands import CommandError, NotAllowed, one_transaction, record_change
from grantmon.services.core.sessions import end_sign_ins_of
from grantmon.services.core.sql import frame

EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


@readable_by(ADMINISTRATORS, N_("who has access"))
def active_users(*, session: Session, actor: Actor) -> pd.DataFrame:
    """Active users with their role and scope."""
    query: Executable = (
        select(
            col(User.email),
            col(User.display_name),
            col(User.role),
            col(Partner.code).label("partner"),
            col(User.partner_id),
            col(User.region_code),
        )
        .outerjoin(Partner, col(Partner.id) == col(User.partner_id))
        .where(col(User.active))
        .order_by(col(User.id))
    )
    return frame(session, query)


def actor_from_row(row: pd.Series) -> Actor:
    """An actor from a row of active_users."""
    partner = row["partner_id"]
    return Actor(
        email=str(row["email"]),
        role=str(row["role"]),
        partner_id=None if pd.isna(partner) else int(partner),
        region_code=None if pd.isna(row["region_code"]) else str(row["region_code"]),
    )


@readable_by(ADMINISTRATORS, N_("who has access"))
def actor_for_email(*, session: Session, actor: Actor, email: str) -> Actor | None:
    """The active user with this email (case-insensitive) as an actor, or None."""
    users = active_users(session=session, actor=actor)
    match = users[users["email"].str.lower() == email.strip().lower()]
    return None if match.empty or not email.strip() else actor_from_row(match.iloc[0])


class UserCreate(BaseModel):
    """A person to let in: email, role, and for a programme manager the partner (and region).

    A programme manager of every partner is asked for explicitly (`all_partners`), never the
    silent result of a partner left out.
    """

    email: str
    role: Role
    partner: str | None = None
    region: str | None = None
    all_partners: bool = False

    @field_validator("email")
    @classmethod
    def looks_like_an_email(cls, value: str) -> str:
        """A plain address, lower-cased."""
        if not EMAIL.match(value.strip()):
            raise ValueError(t("'{value}' is not an email address", value=value))
        return value.strip().lower()


@command
def add_user(*, session: Session, actor: Actor, user: UserCreate) -> None:
    """Give a person a role (administrators only); refuses unknown partners and regions."""
    if actor.role != Role.ADMIN:
        raise NotAllowed(t("Only administrators can give people access."))
    with one_transaction(session):
        _refuse_unclear_scope(user)
        partner_id = _partner_id(session, user.partner)
        if user.region and session.get(Region, user.region) is None:
            raise CommandError(
                t("Unknown region '{code}': use a code from MA-01 to MA-12.", code=user.region)
            )
        stored = session.execute(select(User).where(col(User.email) == user.email)).scalars()
        row = stored.first() or User(email=user.email, role=user.role, active=False)
        if row.active:
            raise CommandError(t("{email} already has access.", email=user.email))
        row.role, row.partner_id, row.region_code = user.role, partner_id, user.region
        row.active = True
        session.add(row)
        record_change(
            session,
            actor=actor,
            action="add",
            entity="user",
            entity_id=user.email,
            before=None,
            after=user.model_dump(mode="json"),
        )


def _refuse_unclear_scope(user: UserCreate) -> None:
    """A manager names their partner, or says they manage every partner; never both."""
    if user.role != Role.MANAGER:
        return
    if user.partner is None and not user.all_partners:
        raise CommandError(
            t(
                "A programme manager changes one partner's figures: give the partner (IOM, "
                "UNODC or ILO), or say explicitly that they manage all partners."
            )
        )
    if user.partner is not None and user.all_partners:
        raise CommandError(
            t("Give either a partner or all partners for {email}, not both.", email=user.email)
        )


@command
def remove_user(*, session: Session, actor: Actor, email: str) -> None:
    """Withdraw a person's access and end their sign-ins (the row stays, for the audit trail)."""
    if actor.role != Role.ADMIN:
        raise NotAllowed(t("Only administrators can withdraw access."))
    with one_transaction(session):
        user = (
            session.execute(select(User).where(col(User.email) == email.strip().lower()))
            .scalars()
            .first()
        )
        if user is None or not user.active:
            raise CommandError(t("{email} has no access to withdraw.", email=email))
        user.active = False
        session.add(user)
        end_sign_ins_of(session, user.email)  # a browser still signed in is let go at once
        record_change(
            session,
            actor=actor,
            action="remove",
            entity="user",
            entity_id=user.email,
            before={"active": True},
            after={"active": False},
        )


def _partner_id(session: Session, code: str | None) -> int | None:
    if code is None:
        return None
    found = (
        session.execute(select(col(Partner.id)).where(col(Partner.code) == code.upper()))
        .scalars()
        .first()
    )
    if found is None:
        raise CommandError(t("Unknown partner '{code}'.", code=code))
    return found
