"""The one way to write: validate, authorise, check the version, audit and commit together."""

import json
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from datetime import date, datetime
from typing import Any

from pydantic import ValidationError
from sqlalchemy import update
from sqlalchemy.exc import DBAPIError
from sqlmodel import Session, SQLModel

from data_model import AuditEntry
from data_model.common import utc_now
from data_model.db import begin_writing, lost_race
from grantmon.formatting import date_time
from grantmon.i18n import N_, t
from grantmon.services.core.access import Actor, command
from grantmon.services.core.database import bump_data_version


class CommandError(Exception):
    """A write was refused; the message speaks in the user's terms and nothing was changed."""

    def __init__(self, message: str, field_errors: Mapping[str, str] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field_errors = dict(field_errors or {})


class NotAllowed(CommandError):
    """The actor's role or scope does not cover this record."""


class StaleEdit(CommandError):
    """Someone saved the record after the form was opened; `their_changes` says what changed."""

    def __init__(self, message: str, their_changes: Mapping[str, tuple[Any, Any]]) -> None:
        super().__init__(message)
        self.their_changes = dict(their_changes)


def field_errors_of(error: ValidationError) -> dict[str, str]:
    """Pydantic errors as {field: message}, the messages without pydantic's prefixes."""
    errors: dict[str, str] = {}
    for item in error.errors():
        field = str(item["loc"][0]) if item["loc"] else "form"
        errors.setdefault(field, str(item["msg"]).removeprefix("Value error, "))
    return errors


def _plain(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date | datetime) else value


def snapshot(row: SQLModel, fields: list[str]) -> dict[str, Any]:
    """The given fields of a row as JSON-ready values."""
    return {name: _plain(getattr(row, name)) for name in fields}


def claim_version(
    session: Session,
    row: Any,
    expected_version: int,
    opened: Mapping[str, Any],
    *,
    saved_by: Any,
    saved_at: Any,
) -> None:
    """Move the row to its next version, or refuse because someone saved it since `opened`.

    `saved_by` and `saved_at` are the table's columns of who last saved a row and when
    (e.g. Milestone.updated_by, Expenditure.entered_at): the refusal names them.
    """
    table = type(row)
    claimed = session.execute(
        update(table)
        .where(table.id == row.id, table.version == expected_version)
        .values(version=expected_version + 1)
        .execution_options(synchronize_session=False)
    )
    if claimed.rowcount == 1:  # type: ignore[attr-defined]
        row.version = expected_version + 1
        return
    session.refresh(row)
    current = snapshot(row, list(opened))
    changed = {
        k: (_plain(opened[k]), current[k]) for k in opened if _plain(opened[k]) != current[k]
    }
    raise StaleEdit(
        t(
            "{who} saved this record at {when} after you opened it. Nothing of yours was saved: "
            "review their changes and enter yours again.",
            who=getattr(row, saved_by.key),
            when=date_time(getattr(row, saved_at.key)) + " UTC",
        ),
        changed,
    )


@command
def record_change(
    session: Session,
    *,
    actor: Actor,
    action: str,
    entity: str,
    entity_id: Any,
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
    reason: str = "",
) -> None:
    """Add the audit row and mark caches stale, inside the write's transaction."""
    session.add(
        AuditEntry(
            at=utc_now(),
            actor=actor.email,
            action=action,
            entity=entity,
            entity_id=str(entity_id),
            before=json.dumps(before, ensure_ascii=False) if before is not None else None,
            after=json.dumps(after, ensure_ascii=False) if after is not None else None,
            reason=_with_source(session, reason)[:2000],
        )
    )
    bump_data_version(session)


def _with_source(session: Session, reason: str) -> str:
    # A figure written from a file says which file, so every audit row carries its provenance.
    source = session.info.get(SOURCE)
    return "; ".join(filter(None, [reason, t("from file {name}", name=source) if source else ""]))


BATCH = "grantmon.batch"
SOURCE = "grantmon.source"
NOTICES = "grantmon.notices"  # what a write did besides what was asked, to tell the person


def add_notice(session: Session, message: str) -> None:
    """Tell the person, once the write is committed, something it did besides what was asked."""
    notices = session.info.setdefault(NOTICES, [])
    if message not in notices:
        notices.append(message)


def take_notices(session: Session) -> list[str]:
    """The notices of the writes run in this session (emptied: each is told once)."""
    return list(session.info.pop(NOTICES, []))


SAVED_AT_THE_SAME_TIME = N_(
    "Someone else was saving the same records at the same moment. Nothing of yours was saved: "
    "try again."
)


@contextmanager
def one_transaction(session: Session) -> Iterator[None]:
    """Commit everything the block wrote, or nothing at all (inside a batch: one savepoint)."""
    if session.info.get(BATCH):
        with session.begin_nested():
            yield
        return
    try:
        begin_writing(session)
        yield
        session.commit()
    except DBAPIError as error:
        session.rollback()
        if not lost_race(error):
            raise
        raise StaleEdit(t(SAVED_AT_THE_SAME_TIME), {}) from error
    except BaseException:
        session.rollback()
        raise


@contextmanager
def batch_of_commands(session: Session, source: str = "") -> Iterator[None]:
    """Run many commands as one write: each command's own transaction becomes a savepoint.

    `source` (a file name) is added to every audit row's reason. The caller commits or rolls
    back the whole batch when the block ends.
    """
    # A first write opens the real transaction now, so that SQLite's savepoints nest inside it
    # instead of committing on release.
    bump_data_version(session)
    session.flush()
    session.info[BATCH] = True
    session.info[SOURCE] = source
    try:
        yield
    finally:
        session.info.pop(BATCH, None)
        session.info.pop(SOURCE, None)
