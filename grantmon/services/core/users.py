"""People allowed into the dashboard, as actors; giving and withdrawing access."""

import re
from collections.abc import Sequence

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
from grantmon.services.core.tokens import revoke_tokens_of

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
            col(User.provider),
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
    provider: str | None = None  # the identity provider that alone may sign them in

    @field_validator("email")
    @classmethod
    def looks_like_an_email(cls, value: str) -> str:
        """A plain address, lower-cased."""
        if not EMAIL.match(value.strip()):
            raise ValueError(t("'{value}' is not an email address", value=value))
        return value.strip().lower()


def bound_provider(requested: str | None, configured: Sequence[str]) -> str | None:
    """The provider a person is bound to: the one named, else the only one configured.

    Without any provider (local mode) nobody is bound; with several, one must be named.
    """
    if requested is not None:
        if requested not in configured:
            names = ", ".join(configured) or t("none (no sign-in is configured)")
            raise CommandError(
                t(
                    "Unknown identity provider '{name}' (configured: {names}).",
                    name=requested,
                    names=names,
                )
            )
        return requested
    if len(configured) > 1:
        raise CommandError(
            t(
                "Several identity providers are configured ({names}): name the one that may "
                "sign this person in.",
                names=", ".join(configured),
            )
        )
    return configured[0] if configured else None


@command
def add_user(
    *, session: Session, actor: Actor, user: UserCreate, providers: Sequence[str] = ()
) -> None:
    """Give a person a role (administrators only), bound to the provider that may sign them
    in (`providers`: those configured); refuses unknown partners, regions and providers."""
    if actor.role != Role.ADMIN:
        raise NotAllowed(t("Only administrators can give people access."))
    with one_transaction(session):
        _refuse_unclear_scope(user)
        provider = bound_provider(user.provider, providers)
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
        row.active, row.provider = True, provider
        session.add(row)
        record_change(
            session,
            actor=actor,
            action="add",
            entity="user",
            entity_id=user.email,
            before=None,
            after=user.model_dump(mode="json") | {"provider": provider},
        )


@command
def bind_user(
    *, session: Session, actor: Actor, email: str, provider: str, providers: Sequence[str]
) -> None:
    """Bind a person with access to the one provider that may sign them in (administrators)."""
    if actor.role != Role.ADMIN:
        raise NotAllowed(t("Only administrators can give people access."))
    with one_transaction(session):
        user = _user_with_access(session, email, N_("{email} has no access."))
        before = user.provider
        user.provider = bound_provider(provider, providers)
        session.add(user)
        end_sign_ins_of(session, user.email)  # a sign-in through another provider ends now
        record_change(
            session,
            actor=actor,
            action="bind",
            entity="user",
            entity_id=user.email,
            before={"provider": before},
            after={"provider": user.provider},
        )


def _user_with_access(session: Session, email: str, refusal: str) -> User:
    user = (
        session.execute(select(User).where(col(User.email) == email.strip().lower()))
        .scalars()
        .first()
    )
    if user is None or not user.active:
        raise CommandError(t(refusal, email=email))
    return user


@readable_by(ADMINISTRATORS, N_("who has access"))
def provider_of(*, session: Session, actor: Actor, email: str) -> str | None:
    """The provider an active user is bound to (None: not bound, or no such user)."""
    query = select(col(User.provider)).where(
        col(User.email) == email.strip().lower(), col(User.active)
    )
    return session.execute(query).scalars().first()


@readable_by(ADMINISTRATORS, N_("who has access"))
def unbound_users(*, session: Session, actor: Actor) -> list[str]:
    """Active users bound to no provider, by e-mail address."""
    query = select(col(User.email)).where(col(User.active), col(User.provider).is_(None))
    return list(session.execute(query.order_by(col(User.email))).scalars())


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
    """Withdraw a person's access, end their sign-ins and revoke their API tokens (the row
    stays, for the audit trail)."""
    if actor.role != Role.ADMIN:
        raise NotAllowed(t("Only administrators can withdraw access."))
    with one_transaction(session):
        user = _user_with_access(session, email, N_("{email} has no access to withdraw."))
        user.active = False
        session.add(user)
        end_sign_ins_of(session, user.email)  # a browser still signed in is let go at once
        assert user.id is not None
        revoke_tokens_of(session, actor, user.id, t("access withdrawn"))  # and every API key
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
