"""A stale edit names who saved the record since, whatever the table calls those columns."""

from typing import Any

import pytest
from sqlmodel import Session, select

from data_model import Expenditure, Milestone
from data_model.common import utc_now
from grantmon.services.core.commands import StaleEdit, claim_version

CASES = [
    # table, the columns of who saved and when, what the other person changed, what the form saw
    (
        Expenditure,
        "entered",
        {"amount_cents": 1, "entered_by": "samira@example.org"},
        "amount_cents",
    ),
    (Milestone, "updated", {"updated_by": "omar@example.org", "updated_at": utc_now()}, "status"),
]


def save_as_someone_else(engine, table, row_id: int, changes: dict[str, Any]) -> None:
    """Another person's save: new values (numbers added to) and the next version, committed."""
    with Session(engine) as session:
        row = session.get(table, row_id)
        assert row is not None
        for name, value in changes.items():
            setattr(row, name, getattr(row, name) + value if isinstance(value, int) else value)
        row.version += 1
        session.commit()


@pytest.mark.parametrize("table, stamp, changes, seen", CASES, ids=["expenditure", "milestone"])
def test_a_stale_edit_names_who_saved_the_record_since(demo_engine, table, stamp, changes, seen):
    with Session(demo_engine) as session:
        row = session.exec(select(table).order_by(table.id)).first()
        opened = {seen: getattr(row, seen)}
        save_as_someone_else(demo_engine, table, row.id, changes)
        with pytest.raises(StaleEdit) as refused:
            claim_version(
                session,
                row,
                row.version,
                opened,
                saved_by=getattr(table, f"{stamp}_by"),
                saved_at=getattr(table, f"{stamp}_at"),
            )
    who = changes[f"{stamp}_by"]
    assert f"{who} saved this record" in refused.value.message
    changed = {k: (opened[k], opened[k] + v) for k, v in changes.items() if k in opened}
    assert refused.value.their_changes == changed  # what they changed of what the form showed
