"""`grantmon backup` / `grantmon restore`: a change made after a backup is gone after a restore,
and a file that is not a grant monitor backup is refused without touching the database."""

import sqlite3
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, col, select

from data_model import Milestone
from data_model.db import make_engine, upgrade
from grantmon.services.core.access import Actor
from grantmon.services.core.database import data_version
from grantmon.services.milestones.updates import update_milestone
from seed.run import seed_database
from tests.conftest import PG_ADMIN_URL, skip_or_fail
from tests.grantmon.test_cli import grantmon

ADMIN = Actor(email="admin@example.org", role="administrator")


@pytest.fixture
def seeded(tmp_path: Path) -> Iterator[tuple[Engine, str]]:
    """A demo-seeded SQLite database and its URL."""
    url = f"sqlite:///{tmp_path / 'live' / 'grantmon.db'}"
    engine = make_engine(url)
    upgrade(engine)
    seed_database(engine, demo=True)
    yield engine, url
    engine.dispose()


def first_milestone_notes(engine: Engine) -> tuple[int, str]:
    with Session(engine) as session:
        milestone = session.exec(select(Milestone).order_by(col(Milestone.id))).first()
        assert milestone is not None
        return int(milestone.id or 0), milestone.notes


def change_notes(engine: Engine, notes: str) -> None:
    """A manager-style update through the real command, as the dashboard makes it."""
    with Session(engine) as session:
        milestone = session.exec(select(Milestone).order_by(col(Milestone.id))).first()
        assert milestone is not None
        shown = milestone.model_dump()
    fields = ("status", "percent_complete", "actual_completion_date", "evidence_url", "version")
    with Session(engine) as session:
        update_milestone(
            session=session,
            actor=ADMIN,
            milestone_id=shown["id"],
            values={k: shown[k] for k in fields} | {"notes": notes, "reason": "test"},
            opened={"notes": shown["notes"]},
            today=date(2026, 11, 28),
        )


def test_restore_brings_back_the_data_as_it_was_at_the_backup(seeded, tmp_path):
    engine, url = seeded
    _, notes_then = first_milestone_notes(engine)
    backup = tmp_path / "backup.db"
    made = grantmon("backup", str(backup), database_url=url)
    assert made.returncode == 0, made.stderr
    assert f"to {backup}" in made.stdout
    change_notes(engine, "changed after the backup")
    with Session(engine) as session:
        version_after_change = data_version(session)

    restored = grantmon("restore", str(backup), database_url=url)

    assert restored.returncode == 0, restored.stderr
    assert first_milestone_notes(engine)[1] == notes_then
    with Session(engine) as session:
        # running servers see a new data version, so none keeps showing the undone change
        assert data_version(session) > version_after_change


def test_a_backup_is_one_self_contained_file_that_opens_on_its_own(seeded, tmp_path):
    engine, url = seeded
    change_notes(engine, "in the backup")  # sits in the -wal file until a checkpoint
    backup = tmp_path / "backup.db"
    assert grantmon("backup", str(backup), database_url=url).returncode == 0
    assert not Path(f"{backup}-wal").exists()
    copy = make_engine(f"sqlite:///{backup}")
    assert first_milestone_notes(copy)[1] == "in the backup"
    copy.dispose()


def _not_sqlite(path: Path) -> Path:
    path.write_text("name,amount\nrent,100\n", encoding="utf-8")
    return path


def _other_sqlite(path: Path) -> Path:
    with sqlite3.connect(path) as other:
        other.execute("CREATE TABLE award (id INTEGER)")
    return path


def _newer_schema(path: Path) -> Path:
    backup = _copy_of_live(path)
    with sqlite3.connect(backup) as newer:
        newer.execute("UPDATE alembic_version SET version_num = '9999'")
    return backup


def _copy_of_live(path: Path) -> Path:
    live = path.parent / "live" / "grantmon.db"
    with sqlite3.connect(live) as source, sqlite3.connect(path) as copy:
        source.backup(copy)
    return path


@pytest.mark.parametrize(
    "make_file, says",
    [
        (lambda p: p, "does not exist"),
        (_not_sqlite, "is not a grant monitor SQLite database"),
        (_other_sqlite, "is not a grant monitor SQLite database"),
        (_newer_schema, "comes from a newer or unknown version"),
    ],
    ids=["missing", "csv", "other-sqlite", "newer-schema"],
)
def test_restore_refuses_a_file_that_is_not_a_usable_backup_and_changes_nothing(
    seeded, tmp_path, make_file, says
):
    engine, url = seeded
    change_notes(engine, "kept")
    with Session(engine) as session:
        version_before = data_version(session)
    bad = make_file(tmp_path / "bad.db")

    refused = grantmon("restore", str(bad), database_url=url)

    assert refused.returncode == 2
    assert says in refused.stderr
    assert len(refused.stderr.strip().splitlines()) == 1
    assert first_milestone_notes(engine)[1] == "kept"
    with Session(engine) as session:
        assert data_version(session) == version_before


@pytest.mark.parametrize("command", ["backup", "restore"])
def test_on_postgresql_both_commands_point_to_pg_dump_and_pg_restore(command, tmp_path):
    result = grantmon(command, str(tmp_path / "x.dump"), database_url=PG_ADMIN_URL)
    if "Cannot reach the database" in result.stderr:
        skip_or_fail(f"PostgreSQL is not reachable at {PG_ADMIN_URL}")
    assert result.returncode == 2
    assert "pg_dump" in result.stderr and "pg_restore" in result.stderr
    assert not (tmp_path / "x.dump").exists()
