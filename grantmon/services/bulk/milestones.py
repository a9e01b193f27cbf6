"""Milestone progress in a file: one row per milestone, written by the milestone update command."""

import pandas as pd
from sqlalchemy import select
from sqlmodel import Session, col

from data_model import Milestone, MilestoneStatus
from grantmon.i18n import N_, lazy, t
from grantmon.services.bulk.spec import (
    Column,
    DataType,
    Problem,
    RowProblems,
    WriteContext,
    blank_as_none,
    cell_problems,
    first_row_of,
    optional_day,
    run_command,
)
from grantmon.services.core.access import DATA_ENTRY_ROLES, Actor, readable_by
from grantmon.services.core.commands import snapshot
from grantmon.services.core.entry_rules import PERCENT, numbers_checked
from grantmon.services.milestones.updates import EDITABLE, editable_milestones, update_milestone

STATUSES = ", ".join(s.value for s in MilestoneStatus)
COLUMNS = (
    Column(
        "milestone_code", lazy("The milestone's code, e.g. A1.1-M2 (see the Milestones screen).")
    ),
    Column("status", lazy("One of: {statuses}.", statuses=STATUSES)),
    Column("percent_complete", lazy("A whole number from 0 to 100.")),
    Column(
        "actual_completion_date",
        lazy("When it was completed: YYYY-MM-DD or DD/MM/YYYY; blank if not completed."),
        required=False,
    ),
    Column("notes", lazy("What happened (plain text)."), required=False),
    Column("evidence_url", lazy("A link starting with https:// to the evidence."), required=False),
    Column(
        "reason", lazy("Why, when a milestone moves back to an earlier status."), required=False
    ),
)


@readable_by(DATA_ENTRY_ROLES, N_("the figures exported for entry"))
def export_milestones(session: Session, actor: Actor) -> pd.DataFrame:
    """The progress of every milestone this actor may update, as a file's rows."""
    table = editable_milestones(session=session, actor=actor)
    table = table.rename(columns={"code": "milestone_code"}).assign(reason="")
    table["actual_completion_date"] = table["actual_completion_date"].map(
        lambda d: d.isoformat() if pd.notna(d) and d else ""
    )
    return table[[c.name for c in COLUMNS]].fillna("")


def _locate(field: str, rows: pd.DataFrame) -> tuple[int, str]:
    column = field if field in {c.name for c in COLUMNS} else "milestone_code"
    return first_row_of(rows), column


def _milestone(session: Session, code: str, row: int) -> Milestone:
    found = session.execute(select(Milestone).where(col(Milestone.code) == code)).scalar()
    if found is None:
        message = t("Unknown milestone code '{code}'.", code=code)
        raise RowProblems([Problem(row, "milestone_code", message)])
    return found


def write_milestone(context: WriteContext, rows: pd.DataFrame) -> None:
    """Update one milestone from its row, unless the row repeats what is stored."""
    row = first_row_of(rows)
    values = cell_problems(rows, {"actual_completion_date": optional_day})[row]
    cells = rows.loc[row]
    milestone = _milestone(context.session, str(cells["milestone_code"]).strip(), row)
    stored = snapshot(milestone, EDITABLE)
    values |= {
        "status": str(cells["status"]).strip(),
        "percent_complete": str(cells["percent_complete"]).strip(),
        "notes": str(cells["notes"]),
        "evidence_url": blank_as_none(str(cells["evidence_url"])),
        "reason": str(cells["reason"]),
    }
    if snapshot(milestone, EDITABLE) == _as_stored(values, stored):
        return
    run_command(
        rows,
        _locate,
        lambda: update_milestone(
            session=context.session,
            actor=context.actor,
            milestone_id=int(milestone.id or 0),
            values=values | {"version": milestone.version},
            opened=stored,
            today=context.today,
        ),
    )


def _as_stored(values: dict, stored: dict) -> dict:
    day = values["actual_completion_date"]
    comparable = {k: values[k] for k in EDITABLE} | {"actual_completion_date": day}
    comparable["actual_completion_date"] = day.isoformat() if day else None
    checked, refused = numbers_checked(comparable, {"percent_complete": PERCENT})
    if refused:
        return {}  # the command says what is wrong with it
    comparable = checked
    return comparable if set(comparable) == set(stored) else {}


MILESTONES = DataType(
    name="milestones",
    title=lazy("Milestone progress"),
    columns=COLUMNS,
    group_by=("milestone_code",),
    unique_by=("milestone_code",),
    export=export_milestones,
    write_group=write_milestone,
)
