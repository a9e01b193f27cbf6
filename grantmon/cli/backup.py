"""`grantmon backup FILE` and `grantmon restore FILE`: copies of the SQLite database.

    grantmon backup FILE     a consistent copy, safe to take while the dashboard runs
    grantmon restore FILE    put a backup back in place of the database's contents

Both use SQLite's online backup API, so neither needs the app to stop. A restore checks the file
first (a SQLite database with the grant monitor's tables, from this or an older version) and
changes nothing when it refuses. On PostgreSQL, pg_dump and pg_restore are the tools.
"""

import argparse
import sqlite3
import sys
from contextlib import closing
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Engine

from data_model.db import MIGRATIONS_DIR

if TYPE_CHECKING:
    from alembic.script import ScriptDirectory

POSTGRES_TOOLS = (
    "the database is PostgreSQL: back it up with pg_dump (e.g. pg_dump -Fc -f FILE) "
    "and restore it with pg_restore (see docs/deploy.md)."
)
# Tables every grant monitor database has; a file without them is some other SQLite database.
REQUIRED_TABLES = frozenset({"alembic_version", "award", "milestone", "auditentry", "dataversion"})


class RefusedFile(ValueError):
    """A file that cannot be used; its message is the one line the user sees."""


def register(commands: argparse._SubParsersAction) -> None:
    """Add the backup and restore subcommands."""
    backup = commands.add_parser("backup", help="copy the SQLite database to FILE")
    backup.add_argument("file", help="where to write the copy")
    backup.set_defaults(handler=cmd_backup)
    restore = commands.add_parser("restore", help="replace the SQLite database's data with FILE")
    restore.add_argument("file", help="a copy made by `grantmon backup`")
    restore.set_defaults(handler=cmd_restore)


def sqlite_file(engine: Engine) -> Path:
    """The SQLite file behind the engine; RefusedFile for any other database."""
    if engine.dialect.name != "sqlite" or not engine.url.database:
        raise RefusedFile(POSTGRES_TOOLS)
    return Path(engine.url.database)


def cmd_backup(args: argparse.Namespace, engine: Engine) -> int:
    """Copy the database to FILE in one consistent snapshot."""
    target = Path(args.file)
    try:
        source = sqlite_file(engine)
        write_backup(source, target)
    except RefusedFile as error:
        print(f"grantmon: {error}", file=sys.stderr)
        return 2
    print(f"Backed up {source} to {target} ({target.stat().st_size:,} bytes).")
    return 0


def write_backup(source: Path, target: Path) -> None:
    """Write the snapshot next to FILE, then move it into place: FILE is never half-written."""
    if target.exists() and target.resolve() == source.resolve():
        raise RefusedFile(f"{target} is the database itself: choose another file.")
    partial = target.with_name(f".{target.name}.partial")
    try:
        copy_database(source, partial)
        partial.replace(target)
    except (OSError, sqlite3.Error) as error:
        partial.unlink(missing_ok=True)
        raise RefusedFile(f"cannot write the backup to {target}: {error}") from error


def copy_database(source: Path, target: Path) -> None:
    """One snapshot of `source` into a new single-file database at `target`."""
    target.unlink(missing_ok=True)
    with closing(sqlite3.connect(source)) as live, closing(sqlite3.connect(target)) as copy:
        # pages=-1: all pages in one step, from one read snapshot; writers carry on (WAL).
        live.backup(copy, pages=-1)
        # The copy is one self-contained file, without a -wal file beside it.
        copy.execute("PRAGMA journal_mode=DELETE")


def cmd_restore(args: argparse.Namespace, engine: Engine) -> int:
    """Replace the database's contents with a checked backup."""
    source = Path(args.file)
    try:
        target = sqlite_file(engine)
        revision = check_backup(source)
        restore_into(source, target)
    except RefusedFile as error:
        print(f"grantmon: {error}", file=sys.stderr)
        return 2
    except sqlite3.Error as error:
        print(f"grantmon: the restore failed and nothing was changed: {error}", file=sys.stderr)
        return 2
    print(f"Restored {target} from {source}.")
    if revision != _migrations().get_current_head():
        print("The backup is from an older version: run `grantmon db upgrade` before serving.")
    return 0


def check_backup(path: Path) -> str:
    """The backup's schema revision, or RefusedFile saying why it is not a usable backup."""
    if not path.is_file():
        raise RefusedFile(f"{path} does not exist or is not a file; nothing was restored.")
    not_ours = f"{path} is not a grant monitor SQLite database; nothing was restored."
    try:
        with closing(sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)) as backup:
            if backup.execute("PRAGMA quick_check").fetchone() != ("ok",):
                raise RefusedFile(
                    f"{path} is damaged (integrity check failed); nothing was restored."
                )
            tables = {row[0] for row in backup.execute("SELECT name FROM sqlite_master")}
            if not REQUIRED_TABLES.issubset(tables):
                raise RefusedFile(not_ours)
            row = backup.execute("SELECT version_num FROM alembic_version").fetchone()
    except sqlite3.DatabaseError as error:
        raise RefusedFile(not_ours) from error
    known = {script.revision for script in _migrations().walk_revisions()}
    if row is None or row[0] not in known:
        raise RefusedFile(
            f"{path} comes from a newer or unknown version of the grant monitor (schema "
            f"{row[0] if row else 'none'}); nothing was restored."
        )
    return str(row[0])


def _migrations() -> "ScriptDirectory":
    from alembic.script import ScriptDirectory  # loaded for a restore only

    return ScriptDirectory(str(MIGRATIONS_DIR))


def restore_into(source: Path, target: Path) -> None:
    """Copy the backup over the live database in one write, then move the data version on."""
    target.parent.mkdir(parents=True, exist_ok=True)
    with closing(sqlite3.connect(target, timeout=15)) as live:
        before = _data_version(live)
        with closing(sqlite3.connect(f"{source.resolve().as_uri()}?mode=ro", uri=True)) as backup:
            backup.backup(live, pages=-1)
        # Running servers key their caches by this number: moving it past every number they
        # may have seen makes them all read the restored data on their next rerun.
        live.execute("UPDATE dataversion SET version = MAX(version, ?) + 1 WHERE id = 1", (before,))
        live.commit()


def _data_version(connection: sqlite3.Connection) -> int:
    try:
        row = connection.execute("SELECT version FROM dataversion WHERE id = 1").fetchone()
    except sqlite3.OperationalError:  # an empty, new database has no tables yet
        return 0
    return int(row[0]) if row else 0
