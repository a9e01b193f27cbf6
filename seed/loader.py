"""Idempotent inserts: a row whose natural key exists is left exactly as it is."""

from collections.abc import Iterable, Sequence
from typing import Any

from sqlmodel import Session, SQLModel, select


def existing_keys(session: Session, model: type[SQLModel], key: Sequence[str]) -> set[tuple]:
    """The natural keys already stored for a table."""
    columns = [getattr(model, name) for name in key]
    return {tuple(row) for row in session.execute(select(*columns)).all()}


def insert_missing(
    session: Session, model: type[SQLModel], rows: Iterable[dict[str, Any]], key: Sequence[str]
) -> int:
    """Insert the rows whose key is not stored yet; never update a stored row."""
    seen = existing_keys(session, model, key)
    added = 0
    for row in rows:
        natural_key = tuple(row[name] for name in key)
        if natural_key in seen:
            continue
        session.add(model(**row))
        seen.add(natural_key)
        added += 1
    session.flush()
    return added


def id_map(session: Session, model: type[SQLModel], key: str) -> dict[Any, int]:
    """Map a natural key column to the row id."""
    rows = session.execute(select(getattr(model, key), model.id))  # type: ignore[attr-defined]
    return {row[0]: row[1] for row in rows}
