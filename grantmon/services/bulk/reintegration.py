"""Reintegration counts in a file: a row per sex and age band, a region's quarter at once."""

import pandas as pd
from sqlalchemy import Executable, select
from sqlmodel import Session, col

from data_model import ReintegrationFigure
from data_model.common import AGE_BANDS, SEXES
from data_model.reintegration import FUNNEL_STAGES
from grantmon.i18n import N_, lazy
from grantmon.services.bulk.spec import (
    Column,
    DataType,
    WriteContext,
    first_row_of,
    row_where,
    run_command,
)
from grantmon.services.core.access import DATA_ENTRY_ROLES, Actor, may_edit, readable_by
from grantmon.services.core.sql import frame
from grantmon.services.reintegration.entry import (
    enter_reintegration,
    entry_partner,
    stored_counts,
    stored_figures,
)

COLUMNS = (
    Column("quarter", lazy("The quarter, written 2025Q3.")),
    Column("region_code", lazy("The region's code, MA-01 to MA-12.")),
    Column("sex", lazy("One of: {names}.", names=", ".join(SEXES))),
    Column("age_band", lazy("One of: {names}.", names=", ".join(AGE_BANDS))),
    *[
        Column(stage, lazy("People (a count, never a name); each stage at most the one before."))
        for stage in FUNNEL_STAGES
    ],
)


@readable_by(DATA_ENTRY_ROLES, N_("the figures exported for entry"))
def export_reintegration(session: Session, actor: Actor) -> pd.DataFrame:
    """The counts this actor enters (their partner's, in their regions), a row per cell."""
    query: Executable = (
        select(*[col(getattr(ReintegrationFigure, c.name)) for c in COLUMNS])
        .where(col(ReintegrationFigure.partner_id) == entry_partner(actor, session))
        .order_by(
            col(ReintegrationFigure.quarter),
            col(ReintegrationFigure.region_code),
            col(ReintegrationFigure.id),
        )
    )
    table = frame(session, query)
    partner = entry_partner(actor, session)
    allowed = [may_edit(actor, partner_id=partner, region_codes={r}) for r in table["region_code"]]
    return table[allowed].reset_index(drop=True)


def _locate(field: str, rows: pd.DataFrame) -> tuple[int, str]:
    cell, _, stage = field.partition(" ")
    if "/" in cell:
        sex, band = cell.split("/", 1)
        return row_where(rows, sex=sex, age_band=band), stage or "sex"
    return first_row_of(rows), field if field in ("quarter", "region_code") else "sex"


def write_reintegration(context: WriteContext, rows: pd.DataFrame) -> None:
    """Store one region's quarter: every sex and age band row of the file at once."""
    first = first_row_of(rows)
    quarter, region = (str(rows.loc[first, c]).strip() for c in ("quarter", "region_code"))
    values = {
        f"{str(row['sex']).strip()}/{str(row['age_band']).strip()}": {
            stage: row[stage] for stage in FUNNEL_STAGES
        }
        for _, row in rows.iterrows()
    }
    partner = entry_partner(context.actor, context.session)
    stored = stored_figures(context.session, partner, quarter, region)
    opened = stored_counts(stored)
    run_command(
        rows,
        _locate,
        lambda: enter_reintegration(
            session=context.session,
            actor=context.actor,
            quarter=quarter,
            region_code=region,
            values=values,
            opened=opened,
            today=context.today,
        ),
    )


REINTEGRATION = DataType(
    name="reintegration",
    title=lazy("Reintegration figures"),
    columns=COLUMNS,
    group_by=("quarter", "region_code"),
    unique_by=("quarter", "region_code", "sex", "age_band"),
    export=export_reintegration,
    write_group=write_reintegration,
)
