"""Engine, sessions and schema migrations."""

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine, event, inspect
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, NoSuchModuleError, OperationalError
from sqlmodel import Session, create_engine

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


class DatabaseConfigError(RuntimeError):
    """The database setting is malformed or the database cannot be reached."""


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # WAL lets readers go on while one writer commits; the busy timeout makes writers
    # wait their turn instead of failing with "database is locked".
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=15000")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def make_engine(url: str) -> Engine:
    """An engine for the URL; a malformed URL raises DatabaseConfigError."""
    try:
        parsed = make_url(url)
        if parsed.get_backend_name() == "sqlite":
            if parsed.database:
                Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
            engine = create_engine(url, connect_args={"check_same_thread": False})
            event.listen(engine, "connect", _sqlite_pragmas)
            return engine
        return create_engine(url, pool_pre_ping=True)
    except (ArgumentError, NoSuchModuleError, ValueError, ImportError) as error:
        raise DatabaseConfigError(
            f"DATABASE_URL is not a usable database URL ({error}). Use sqlite:///PATH or "
            "postgresql+psycopg://USER@HOST:PORT/DATABASE."
        ) from error


def check_connection(engine: Engine) -> None:
    """Open one connection, or raise DatabaseConfigError naming the database."""
    try:
        with engine.connect():
            pass
    except OperationalError as error:
        reason = str(error.orig).strip().splitlines()[0] if error.orig else str(error)
        where = engine.url.render_as_string(hide_password=True)
        raise DatabaseConfigError(
            f"Cannot reach the database in DATABASE_URL ({where}): {reason}"
        ) from error


@contextmanager
def session_scope(engine: Engine) -> Iterator[Session]:
    """A session that commits on success and rolls back on any error."""
    with Session(engine, expire_on_commit=False) as session:
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise


# PostgreSQL's codes for a transaction that lost a race: serialization failure, deadlock,
# lock not available.
LOST_RACE_CODES = frozenset({"40001", "40P01", "55P03"})


def begin_writing(session: Session) -> None:
    """Take SQLite's write lock before a command reads what it checks (no-op elsewhere)."""
    # The driver only begins a transaction at the first INSERT/UPDATE, so checks read before
    # it could be stale by the time the write lands; BEGIN IMMEDIATE waits (busy_timeout)
    # for the lock up front. PostgreSQL commands lock the rows they check instead.
    connection = session.connection()
    if connection.dialect.name != "sqlite":
        return
    if not connection.connection.driver_connection.in_transaction:  # type: ignore[union-attr]
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def lost_race(error: DBAPIError) -> bool:
    """Whether the database refused a write only because another write held the same data."""
    if getattr(error.orig, "sqlstate", None) in LOST_RACE_CODES:
        return True
    return isinstance(error, OperationalError) and "database is locked" in str(error.orig)


def _alembic_config(engine: Engine) -> "Config":
    # Alembic loads only when a migration runs: every command and server start spares it.
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["engine"] = engine
    return config


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Bring the schema to the given migration (the latest by default)."""
    from alembic import command

    command.upgrade(_alembic_config(engine), revision)


def has_schema(engine: Engine) -> bool:
    """Whether the migrations have created the tables."""
    return inspect(engine).has_table("award")
