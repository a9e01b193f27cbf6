"""Alembic environment: runs migrations on the engine handed over by data_model.db."""

from alembic import context
from sqlmodel import SQLModel

import data_model  # noqa: F401  (registers every table on the metadata)
from grantmon.settings import get_settings


def run_migrations() -> None:
    """Migrate the engine given in the config, or the configured database."""
    engine = context.config.attributes.get("engine")
    if engine is None:
        from data_model.db import make_engine

        engine = make_engine(get_settings().resolved_database_url())
    with engine.begin() as connection:
        context.configure(
            connection=connection,
            target_metadata=SQLModel.metadata,
            render_as_batch=True,
            compare_type=True,
        )
        context.run_migrations()


run_migrations()
