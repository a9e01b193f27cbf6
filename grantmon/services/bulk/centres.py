"""Centres in a file: status, opening and capacity, with a row per quarter of occupancy."""

import pandas as pd
from sqlalchemy import Executable, select
from sqlmodel import Session, col

from data_model import Centre, CentreOccupancy
from data_model.centres import CENTRE_STATUSES
from grantmon.i18n import N_, lazy, t
from grantmon.services.bulk.spec import (
    Column,
    DataType,
    Problem,
    RowProblems,
    WriteContext,
    cell_problems,
    first_row_of,
    optional_day,
    optional_whole,
    row_where,
    run_command,
)
from grantmon.services.centres.entry import (
    CENTRE_FIELDS,
    OCCUPANCY_FIELDS,
    editable_centres,
    record_occupancy,
    update_centre,
)
from grantmon.services.core.access import DATA_ENTRY_ROLES, Actor, readable_by
from grantmon.services.core.commands import snapshot
from grantmon.services.core.entry_rules import BEDS
from grantmon.services.core.sql import frame

COLUMNS = (
    Column("centre_name", lazy("The centre's name exactly as on the Regions screen.")),
    Column("status", lazy("One of: {names}.", names=", ".join(CENTRE_STATUSES))),
    Column("opened_on", lazy("Opening date: YYYY-MM-DD or DD/MM/YYYY; blank if planned."), False),
    Column("capacity", lazy("Beds, a whole number; blank if not known."), required=False),
    Column("quarter", lazy("The quarter of the occupancy figures, written 2025Q3."), False),
    Column("people_accommodated", lazy("People accommodated in the quarter."), required=False),
    Column("average_beds_occupied", lazy("Average beds occupied in the quarter."), required=False),
)


@readable_by(DATA_ENTRY_ROLES, N_("the figures exported for entry"))
def export_centres(session: Session, actor: Actor) -> pd.DataFrame:
    """A row per centre and quarter of occupancy (one blank-quarter row for a centre without)."""
    centres = editable_centres(session=session, actor=actor)
    query: Executable = select(
        col(CentreOccupancy.centre_id).label("id"),
        col(CentreOccupancy.quarter),
        *[col(getattr(CentreOccupancy, f)) for f in OCCUPANCY_FIELDS],
    ).order_by(col(CentreOccupancy.quarter))
    table = centres.merge(frame(session, query), on="id", how="left")
    table = table.rename(columns={"name": "centre_name"})
    table["opened_on"] = table["opened_on"].map(lambda d: d.isoformat() if pd.notna(d) else "")
    for name in ["capacity", *OCCUPANCY_FIELDS]:
        table[name] = table[name].map(lambda n: "" if pd.isna(n) else str(int(n)))
    return table[[c.name for c in COLUMNS]].fillna("").reset_index(drop=True)


def _locate(field: str, rows: pd.DataFrame) -> tuple[int, str]:
    return first_row_of(rows), field if field in {c.name for c in COLUMNS} else "centre_name"


def _centre(session: Session, name: str, row: int) -> Centre:
    found = session.execute(select(Centre).where(col(Centre.name) == name)).scalar()
    if found is None:
        raise RowProblems([Problem(row, "centre_name", t("Unknown centre '{name}'.", name=name))])
    return found


def _consistent(rows: pd.DataFrame) -> None:
    for name in ("status", "opened_on", "capacity"):
        if rows[name].str.strip().nunique() > 1:
            message = t("Give the centre the same {column} on every row.", column=name)
            raise RowProblems([Problem(int(rows.index[1]), name, message)])
    no_quarter = rows["quarter"].str.strip() == ""
    filled = (rows[list(OCCUPANCY_FIELDS)].apply(lambda c: c.str.strip()) != "").any(axis=1)
    if (no_quarter & filled).any():
        message = t("Give the quarter of these occupancy figures.")
        raise RowProblems(
            [Problem(int(n), "quarter", message) for n in rows.index[no_quarter & filled]]
        )


def write_centre(context: WriteContext, rows: pd.DataFrame) -> None:
    """Update the centre if its row differs from what is stored, then each quarter's occupancy."""
    _consistent(rows)
    first = first_row_of(rows)
    centre = _centre(context.session, str(rows.loc[first, "centre_name"]).strip(), first)
    parsed = cell_problems(
        rows.loc[[first]], {"opened_on": optional_day, "capacity": optional_whole(BEDS)}
    )
    values = parsed[first] | {"status": str(rows.loc[first, "status"]).strip()}
    stored = snapshot(centre, CENTRE_FIELDS)
    if snapshot(Centre.model_construct(**values), CENTRE_FIELDS) != stored:
        run_command(
            rows,
            _locate,
            lambda: update_centre(
                session=context.session,
                actor=context.actor,
                centre_id=int(centre.id or 0),
                values=values | {"version": centre.version},
                opened=stored,
                today=context.today,
            ),
        )
    for number in rows.index[rows["quarter"].str.strip() != ""]:
        _write_occupancy(context, rows.loc[[number]], int(centre.id or 0))


def _write_occupancy(context: WriteContext, row: pd.DataFrame, centre_id: int) -> None:
    quarter = str(row["quarter"].iloc[0]).strip()
    current = context.session.execute(
        select(CentreOccupancy).where(
            col(CentreOccupancy.centre_id) == centre_id, col(CentreOccupancy.quarter) == quarter
        )
    ).scalar()
    run_command(
        row,
        lambda field, rows: (row_where(rows, quarter=quarter), field),
        lambda: record_occupancy(
            session=context.session,
            actor=context.actor,
            centre_id=centre_id,
            quarter=quarter,
            values={f: str(row[f].iloc[0]) for f in OCCUPANCY_FIELDS},
            opened=snapshot(current, OCCUPANCY_FIELDS) if current else None,
            today=context.today,
        ),
    )


CENTRES = DataType(
    name="centres",
    title=lazy("Centres and occupancy"),
    columns=COLUMNS,
    group_by=("centre_name",),
    unique_by=("centre_name", "quarter"),
    export=export_centres,
    write_group=write_centre,
)
