"""A stale edit names who saved the record since, whatever the table calls those columns."""

import pytest
from sqlmodel import Session, select

from data_model import Expenditure, Milestone
from data_model.common import utc_now
from grantmon.services.core.commands import StaleEdit, claim_version


def save_as_someone_else(engine, table, row_id: int, changes: dict) -> None:
    """Another person's save: new values and the next version, committed."""
    with Session(engine) as session:
        row = session.get(table, row_id)
        assert row is not None
        for name, value in {**changes, "version": row.version + 1}.items():
            setattr(row, name, value)
        session.commit()


def test_a_stale_edit_of_an_expenditure_names_who_entered_it_since(demo_engine):
    with Session(demo_engine) as session:
        row = session.exec(select(Expenditure).order_by(Expenditure.id)).first()
        opened = {"amount_cents": row.amount_cents}
        save_as_someone_else(
            demo_engine,
            Expenditure,
            row.id,
            {"amount_cents": row.amount_cents + 100, "entered_by": "samira@example.org"},
        )
        with pytest.raises(StaleEdit) as refused:
            claim_version(
                session,
                row,
                row.version,
                opened,
                saved_by=Expenditure.entered_by,
                saved_at=Expenditure.entered_at,
            )
    assert "samira@example.org saved this record" in refused.value.message
    assert refused.value.their_changes == {
        "amount_cents": (opened["amount_cents"], opened["amount_cents"] + 100)
    }


def test_a_stale_milestone_edit_names_who_updated_it(demo_engine):
    with Session(demo_engine) as session:
        row = session.exec(select(Milestone).order_by(Milestone.id)).first()
        opened = {"status": row.status}
        changes = {"updated_by": "omar@example.org", "updated_at": utc_now()}
        save_as_someone_else(demo_engine, Milestone, row.id, changes)
        with pytest.raises(StaleEdit) as refused:
            claim_version(
                session,
                row,
                row.version,
                opened,
                saved_by=Milestone.updated_by,
                saved_at=Milestone.updated_at,
            )
    assert "omar@example.org saved this record" in refused.value.message
    assert refused.value.their_changes == {}  # the status they saw is still the status
