"""The process-wide engine and the data version that keys every cache."""

from functools import lru_cache

from sqlalchemy import Engine, update
from sqlmodel import Session, col

from data_model import DataVersion
from data_model.common import utc_now
from data_model.db import check_connection, make_engine
from grantmon.settings import get_settings


@lru_cache(maxsize=4)
def engine_for(url: str) -> Engine:
    """One engine per database URL, checked once."""
    engine = make_engine(url)
    check_connection(engine)
    return engine


def default_engine() -> Engine:
    """The engine of the configured database."""
    return engine_for(get_settings().resolved_database_url())


def data_version(session: Session) -> int:
    """A number that changes whenever any figure is written."""
    row = session.get(DataVersion, 1)
    return row.version if row else 0


def bump_data_version(session: Session) -> None:
    """Mark every cached read as stale (call inside the write's transaction)."""
    # One UPDATE that adds 1 in the database: two writers committing at once both count,
    # where read-then-write would let one overwrite the other's number.
    bumped = session.execute(
        update(DataVersion)
        .where(col(DataVersion.id) == 1)
        .values(version=col(DataVersion.version) + 1, changed_at=utc_now())
        .execution_options(synchronize_session=False)
    )
    if bumped.rowcount == 0:  # type: ignore[attr-defined]
        session.add(DataVersion(id=1, version=1))
