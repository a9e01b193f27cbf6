"""The process-wide engine and the data version that keys every cache."""

from functools import lru_cache

from sqlalchemy import Engine
from sqlmodel import Session

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
    row = session.get(DataVersion, 1) or DataVersion(id=1, version=0)
    row.version += 1
    row.changed_at = utc_now()
    session.add(row)
