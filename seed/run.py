"""Seed a database: the public facts always, the demo set on request."""

from sqlalchemy import Engine, func
from sqlmodel import Session, SQLModel, select

from data_model import Partner, Source
from data_model.db import session_scope
from grantmon.services.core.database import bump_data_version
from seed.demo import seed_demo
from seed.loader import id_map
from seed.reference import seed_reference


def row_counts(session: Session) -> dict[str, int]:
    """The number of rows in every table, by table name."""
    return {
        table.name: session.exec(select(func.count()).select_from(table)).one()
        for table in SQLModel.metadata.sorted_tables
    }


def seed_database(engine: Engine, *, demo: bool, figures: bool = True) -> int:
    """Insert what is missing, in one transaction; return how many rows were added.

    With `figures=False` the demo stores only its plan (framework, activities, milestones,
    centres, budget lines, users), so figures can be loaded from files.
    """
    with session_scope(engine) as session:
        before = sum(row_counts(session).values())
        award_id = seed_reference(session)
        if demo:
            partners = id_map(session, Partner, "code")
            demo_source = id_map(session, Source, "key")["demo"]
            seed_demo(session, award_id, partners, demo_source, figures=figures)
        added = sum(row_counts(session).values()) - before
        if added:
            bump_data_version(session)
    return added
