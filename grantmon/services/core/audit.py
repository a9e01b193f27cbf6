"""Reading the audit trail (rows are only ever added, by core.commands.record_change)."""

import json
from datetime import UTC, date, datetime, time

import pandas as pd
from sqlalchemy import Executable, select
from sqlmodel import Session, col

from data_model import AuditEntry
from grantmon.i18n import N_
from grantmon.services.core.access import ADMINISTRATORS, STAFF, Actor, readable_by
from grantmon.services.core.sql import frame
from grantmon.vocabulary import field_name, word

COLUMNS = ["at", "actor", "action", "entity", "entity_id", "before", "after", "reason"]
WORDED_FIELDS = frozenset({"status", "role"})  # their values are codes with words for readers


def _value(field: str, value: object) -> str:
    return word(value) if field in WORDED_FIELDS and isinstance(value, str) else str(value)


def _fields(value: object) -> dict:
    # A missing value arrives as None, or as NaN once pandas has read the column (pandas 3).
    return json.loads(value) if isinstance(value, str) and value.strip() else {}


def changed_fields(before: object, after: object) -> str:
    """'field: old → new' for every field an audit row changed (none for sign-ins), in words."""
    old, new = _fields(before), _fields(after)
    return "; ".join(
        f"{field_name(k)}: {_value(k, old.get(k))} → {_value(k, new.get(k))}"
        for k in new
        if old.get(k) != new.get(k)
    )


@readable_by(STAFF, N_("the change history of a record"))
def record_history(*, session: Session, actor: Actor, entity: str, entity_id: str) -> pd.DataFrame:
    """Every recorded change of one record, newest first (who, when, what, why)."""
    query: Executable = (
        select(*[col(getattr(AuditEntry, name)) for name in COLUMNS])
        .where(col(AuditEntry.entity) == entity, col(AuditEntry.entity_id) == entity_id)
        .order_by(col(AuditEntry.at).desc(), col(AuditEntry.id).desc())
    )
    return with_changes(frame(session, query, COLUMNS))


@readable_by(ADMINISTRATORS, N_("the audit log"))
def audit_log(
    *,
    session: Session,
    actor: Actor,
    entity: str | None = None,
    who: str | None = None,
    since: date | None = None,
    limit: int = 500,
) -> pd.DataFrame:
    """The latest changes, filtered; administrators only."""
    query = select(*[col(getattr(AuditEntry, name)) for name in COLUMNS])
    if entity:
        query = query.where(col(AuditEntry.entity) == entity)
    if who:
        query = query.where(col(AuditEntry.actor).contains(who))
    if since:
        query = query.where(col(AuditEntry.at) >= datetime.combine(since, time.min, UTC))
    query = query.order_by(col(AuditEntry.at).desc(), col(AuditEntry.id).desc()).limit(limit)
    return with_changes(frame(session, query, COLUMNS))


def with_changes(entries: pd.DataFrame) -> pd.DataFrame:
    """Add a readable 'changes' column to audit rows."""
    entries["changes"] = [
        changed_fields(b, a) for b, a in zip(entries["before"], entries["after"], strict=True)
    ]
    return entries


@readable_by(ADMINISTRATORS, N_("the audit log"))
def audited_entities(*, session: Session, actor: Actor) -> list[str]:
    """The kinds of record the audit log holds changes for."""
    query = select(col(AuditEntry.entity)).distinct().order_by(col(AuditEntry.entity))
    return list(session.execute(query).scalars())
