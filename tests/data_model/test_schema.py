"""The migrations build the schema the models describe, on SQLite and PostgreSQL."""

import sqlalchemy as sa
from sqlmodel import SQLModel

from data_model import ReintegrationFigure
from data_model.common import utc_now


def test_migrations_create_every_table_of_the_models(empty_engine):
    tables = set(sa.inspect(empty_engine).get_table_names())
    assert set(SQLModel.metadata.tables) <= tables


def test_migrated_columns_match_the_models(empty_engine):
    inspector = sa.inspect(empty_engine)
    for name, table in SQLModel.metadata.tables.items():
        stored = {column["name"] for column in inspector.get_columns(name)}
        assert stored == set(table.columns.keys()), name


def test_reintegration_table_can_hold_only_aggregate_figures():
    # Victims are counted, never described: every column is a count, a score, a
    # bookkeeping field or one of the coarse disaggregation categories.
    bookkeeping = {
        "id",
        "quarter",
        "region_code",
        "sex",
        "age_band",
        "partner_id",
        "status",
        "entered_by",
        "entered_at",
        "version",
        "is_demo",
    }
    for column in ReintegrationFigure.__table__.columns:  # type: ignore[attr-defined]
        if column.name in bookkeeping:
            continue
        assert isinstance(column.type, sa.Integer | sa.Float), column.name


def test_money_is_stored_as_whole_cents(empty_engine):
    inspector = sa.inspect(empty_engine)
    for table, column in [
        ("award", "amount_cents"),
        ("budgetline", "amount_cents"),
        ("expenditure", "amount_cents"),
    ]:
        types = {c["name"]: c["type"] for c in inspector.get_columns(table)}
        assert isinstance(types[column], sa.Integer), (table, column)


def test_timestamps_are_in_utc():
    assert utc_now().utcoffset().total_seconds() == 0
