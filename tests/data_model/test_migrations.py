"""A database made before a migration keeps what its figures meant after it."""

import contextlib
from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from sqlalchemy import Engine
from sqlmodel import SQLModel

from data_model.db import make_engine, upgrade
from tests.conftest import fresh_postgres


def _copied(source: Engine, target: Engine) -> None:
    """Copy every row of `source` into `target`, in the columns `target` has."""
    with source.connect() as reading, target.begin() as writing:
        present = set(sa.inspect(writing).get_table_names())
        for table in SQLModel.metadata.sorted_tables:
            if table.name not in present:  # a table a later migration adds
                continue
            kept = {c["name"] for c in sa.inspect(writing).get_columns(table.name)}
            columns = [c for c in table.columns if c.name in kept]
            rows = [dict(row._mapping) for row in reading.execute(sa.select(*columns))]
            if rows:
                writing.execute(sa.table(table.name, *map(sa.column, kept)).insert(), rows)


@pytest.fixture
def old_engine(database_url: str, tmp_path) -> Iterator[Engine]:
    """An empty database of the same kind as the demo's, at migration 0005."""
    with contextlib.ExitStack() as stack:
        url = f"sqlite:///{tmp_path / 'old.db'}"
        if not database_url.startswith("sqlite"):
            url = stack.enter_context(fresh_postgres())
        engine = make_engine(url)
        upgrade(engine, "0005")
        yield engine
        engine.dispose()


def _before_0006(demo_engine: Engine, old_engine: Engine) -> Engine:
    """The demo as a database at migration 0005 holds it, brought to the latest schema."""
    _copied(demo_engine, old_engine)
    upgrade(old_engine)
    return old_engine


def _rows(engine: Engine, query: str) -> list[tuple]:
    with engine.connect() as connection:
        return [tuple(row) for row in connection.execute(sa.text(query))]


def test_occupancy_recorded_before_the_review_takes_its_quarters_status(demo_engine, old_engine):
    engine = _before_0006(demo_engine, old_engine)
    rows = _rows(
        engine,
        "SELECT o.status, r.status FROM centreoccupancy o JOIN centre c ON c.id = o.centre_id"
        " JOIN quarterreport r ON r.partner_id = c.partner_id AND r.quarter = o.quarter",
    )
    assert {status for status, report in rows if report == "approved"} == {"approved"}
    assert {status for status, report in rows if report != "approved"} == {"submitted"}


def test_the_plans_share_names_its_base_after_the_migration(demo_engine, old_engine):
    engine = _before_0006(demo_engine, old_engine)
    bases = _rows(
        engine,
        "SELECT share.code, base.code FROM indicator share JOIN indicator base"
        " ON base.id = share.base_indicator_id",
    )
    assert bases == [("2.2.b", "2.2.a")]


def test_people_with_access_before_0008_keep_it_bound_to_no_provider(demo_engine, old_engine):
    engine = _before_0006(demo_engine, old_engine)  # copied at 0005, brought to the latest
    rows = _rows(engine, 'SELECT email, provider FROM "user" WHERE active ORDER BY email')
    assert len(rows) == 6 and {provider for _, provider in rows} == {None}
    assert _rows(engine, "SELECT count(*) FROM apitoken") == [(0,)]


def test_the_demo_plans_reintegration_indicators_are_linked_after_0007(demo_engine, old_engine):
    engine = _before_0006(demo_engine, old_engine)  # copied at 0005, brought to the latest
    links = _rows(
        engine,
        "SELECT code, funnel_stage, score_threshold FROM indicator"
        " WHERE funnel_stage IS NOT NULL OR score_threshold IS NOT NULL ORDER BY code",
    )
    assert links == [
        ("1.2.a", "referred", None),
        ("2.2.a", "plans_completed", None),
        ("2.2.b", None, 0.66),
    ]


def test_0008_goes_down_and_up_again(empty_engine):
    from alembic import command

    from data_model.db import _alembic_config

    command.downgrade(_alembic_config(empty_engine), "0007")
    assert "apitoken" not in sa.inspect(empty_engine).get_table_names()
    upgrade(empty_engine)
    columns = {c["name"] for c in sa.inspect(empty_engine).get_columns("user")}
    assert "provider" in columns and "apitoken" in sa.inspect(empty_engine).get_table_names()
