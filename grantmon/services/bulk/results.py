"""Quarterly indicator results in a file: a row per cell, an indicator's quarter written at once."""

from typing import Any

import pandas as pd
from sqlalchemy import Executable, select
from sqlmodel import Session, col

from data_model import Indicator, IndicatorResult
from data_model.common import ALL
from grantmon.i18n import N_, lazy, t
from grantmon.services.bulk.spec import (
    Column,
    DataType,
    GoAhead,
    Problem,
    RowProblems,
    WriteContext,
    first_row_of,
    row_where,
    run_command,
)
from grantmon.services.core.access import DATA_ENTRY_ROLES, Actor, readable_by
from grantmon.services.core.commands import NotAllowed
from grantmon.services.core.entry_rules import NeedsConfirmation
from grantmon.services.core.sql import frame
from grantmon.services.results.entry import (
    DIMENSION_COLUMNS,
    TOTAL,
    enter_results,
)

BREAKDOWNS = ", ".join([TOTAL, *DIMENSION_COLUMNS])
COLUMNS = (
    Column("indicator_code", lazy("The indicator's code, e.g. 1.1.a (see the Results screen).")),
    Column("quarter", lazy("The quarter, written 2025Q3.")),
    Column("breakdown", lazy("One of: {names}.", names=BREAKDOWNS)),
    Column(
        "category",
        lazy(
            "Blank for the total; else female/male, 0-17/18-24/25-39/40+, moroccan/foreign, or a "
            "region code such as MA-04."
        ),
        required=False,
    ),
    Column("value", lazy("A number 0 or more; a breakdown's categories add up to the total.")),
    Column(
        "evidence_url",
        lazy("A link starting with https:// (the same on every row of the quarter)."),
        required=False,
    ),
)


@readable_by(DATA_ENTRY_ROLES, N_("the figures exported for entry"))
def export_results(session: Session, actor: Actor) -> pd.DataFrame:
    """Every stored result cell, total first, as a file's rows."""
    if not actor.enters_data:
        raise NotAllowed(t("Your role does not let you export figures for entry."))
    query: Executable = select(
        col(Indicator.code).label("indicator_code"),
        col(IndicatorResult.quarter),
        *[col(getattr(IndicatorResult, c)) for c in DIMENSION_COLUMNS.values()],
        col(IndicatorResult.value),
        col(IndicatorResult.evidence_url),
    ).join(Indicator, col(Indicator.id) == col(IndicatorResult.indicator_id))
    table = frame(session, query)
    cells = [_breakdown_of(row) for row in table.itertuples(index=False)]
    table["breakdown"] = [b for b, _ in cells]
    table["category"] = [c for _, c in cells]
    table["value"] = [int(v) if float(v).is_integer() else v for v in table["value"]]
    table["rank"] = table["breakdown"].map(
        {b: i for i, b in enumerate([TOTAL, *DIMENSION_COLUMNS])}
    )
    table = table.sort_values(["indicator_code", "quarter", "rank", "category"])
    return table[[c.name for c in COLUMNS]].fillna("").reset_index(drop=True)


def _breakdown_of(row: Any) -> tuple[str, str]:
    for dimension, column in DIMENSION_COLUMNS.items():
        if getattr(row, column) != ALL:
            return dimension, getattr(row, column)
    return TOTAL, ""


def cell_key_of(breakdown: str, category: str) -> str:
    """The entry grid's key of a file row: 'total' or 'sex=female'."""
    breakdown = breakdown.strip()
    return TOTAL if breakdown == TOTAL else f"{breakdown}={category.strip()}"


def _locate(field: str, rows: pd.DataFrame) -> tuple[int, str]:
    if field in ("quarter", "evidence_url"):
        return first_row_of(rows), field
    if "=" in field:
        breakdown, category = field.split("=", 1)
        return row_where(rows, breakdown=breakdown, category=category), "value"
    if field in rows["breakdown"].str.strip().values:
        return row_where(rows, breakdown=field), "value"
    return first_row_of(rows), "breakdown"


def _indicator_id(session: Session, code: str, row: int) -> int:
    found = session.execute(select(col(Indicator.id)).where(col(Indicator.code) == code)).scalar()
    if found is None:
        message = t("Unknown indicator code '{code}'.", code=code)
        raise RowProblems([Problem(row, "indicator_code", message)])
    return int(found)


def _evidence(rows: pd.DataFrame) -> str | None:
    links = {str(v).strip() for v in rows["evidence_url"] if str(v).strip()}
    if len(links) > 1:
        message = t("Give one evidence link for the quarter, on every row or only one.")
        raise RowProblems([Problem(first_row_of(rows), "evidence_url", message)])
    return links.pop() if links else None


def write_results(context: WriteContext, rows: pd.DataFrame) -> None:
    """Store one indicator's quarter: every cell of the file's rows at once."""
    first = first_row_of(rows)
    indicator_id = _indicator_id(context.session, str(rows.loc[first, "indicator_code"]), first)
    quarter = str(rows.loc[first, "quarter"]).strip()
    values = {
        cell_key_of(str(b), str(c)): v
        for b, c, v in zip(rows["breakdown"], rows["category"], rows["value"], strict=True)
    }
    stored = _stored_values(context.session, indicator_id, quarter)
    evidence = _evidence(rows)
    try:
        run_command(
            rows,
            _locate,
            lambda: enter_results(
                session=context.session,
                actor=context.actor,
                indicator_id=indicator_id,
                quarter=quarter,
                values=values,
                opened=stored,
                evidence_url=evidence,
                confirmed=context.confirm_unusual,
                today=context.today,
            ),
        )
    except RowProblems as refused:
        raise _unusual_explained(refused, context.go_ahead) from refused.__cause__


def _unusual_explained(refused: RowProblems, go_ahead: GoAhead) -> RowProblems:
    if not isinstance(refused.__cause__, NeedsConfirmation):
        return refused
    message = t(
        "{reason} If it is right, {how}.",
        reason=refused.__cause__.reason,
        how=t(go_ahead.unusual_checked),
    )
    return RowProblems([Problem(p.row, p.column, message) for p in refused.problems])


def _stored_values(session: Session, indicator_id: int, quarter: str) -> dict[str, float]:
    query: Executable = select(IndicatorResult).where(
        col(IndicatorResult.indicator_id) == indicator_id, col(IndicatorResult.quarter) == quarter
    )
    rows = session.execute(query).scalars()
    return {cell_key_of(*_breakdown_of(r)): r.value for r in rows}


INDICATOR_RESULTS = DataType(
    name="indicator-results",
    title=lazy("Quarterly indicator results"),
    columns=COLUMNS,
    group_by=("indicator_code", "quarter"),
    unique_by=("indicator_code", "quarter", "breakdown", "category"),
    # Earlier quarters first: each value is judged against the quarters before it.
    write_order=("quarter",),
    export=export_results,
    write_group=write_results,
)
