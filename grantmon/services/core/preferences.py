"""What a signed-in person chose for themselves: the language of their screens and exports."""

from sqlalchemy import func, select
from sqlmodel import Session, col

from data_model import User
from grantmon.i18n import LANGUAGES, t
from grantmon.services.core.access import EVERYONE, Actor, command, readable_by
from grantmon.services.core.commands import CommandError, one_transaction, record_change


def _own_row(session: Session, actor: Actor) -> User | None:
    query = select(User).where(func.lower(col(User.email)) == actor.email.strip().lower())
    return session.execute(query.where(col(User.active))).scalars().first()


@readable_by(EVERYONE)
def stored_language(*, session: Session, actor: Actor) -> str | None:
    """The language this person chose last time, if they ever did (their own record only)."""
    user = _own_row(session, actor)
    return user.language if user is not None and user.language in LANGUAGES else None


@command
def remember_language(*, session: Session, actor: Actor, language: str) -> None:
    """Keep the person's language choice with their user record (every role may keep its own)."""
    if language not in LANGUAGES:
        raise CommandError(
            t(
                "Unknown language '{code}': use one of {codes}.",
                code=language,
                codes=", ".join(LANGUAGES),
            )
        )
    with one_transaction(session):
        user = _own_row(session, actor)
        if user is None or user.language == language:
            return  # local mode and the command line have no record to keep it in
        before = {"language": user.language}
        user.language = language
        session.add(user)
        record_change(
            session,
            actor=actor,
            action="language",
            entity="user",
            entity_id=user.email,
            before=before,
            after={"language": language},
        )
