"""Every stored indicator result, row by row, for IOM staff: the figures as entered, each cell
of every quarter (a donor reads the tracking table and its breakdowns instead, which pass
through privacy; successive cells of one breakdown would give hidden counts back)."""

from collections.abc import Iterator
from datetime import datetime

import pandas as pd
from sqlalchemy import ColumnElement, Executable, select
from sqlmodel import Session, col

from data_model import Indicator, IndicatorResult
from data_model.common import ALL
from grantmon.i18n import N_
from grantmon.services.core.access import STAFF, Actor, readable_by
from grantmon.services.core.filters import Filters
from grantmon.services.core.sql import frame

ROW_COLUMNS = [
    "id",
    "indicator_code",
    "quarter",
    "region_code",
    "sex",
    "age_band",
    "nationality_group",
    "value",
    "status",
    "entered_at",
    "is_demo",
]
CHUNK_ROWS = 20_000  # a streamed file holds this many rows in memory at a time


def _conditions(filters: Filters, updated_since: datetime | None) -> list[ColumnElement[bool]]:
    """The period, the region (its cells only) and the time of writing asked for."""
    quarter = col(IndicatorResult.quarter)
    found = [quarter >= filters.start, quarter <= filters.end]
    if filters.region != ALL:
        found.append(col(IndicatorResult.region_code) == filters.region)
    if updated_since is not None:
        found.append(col(IndicatorResult.entered_at) >= updated_since)
    return found


def _rows_query(conditions: list[ColumnElement[bool]], after: int, limit: int) -> Executable:
    return (
        select(
            col(IndicatorResult.id),
            col(Indicator.code).label("indicator_code"),
            col(IndicatorResult.quarter),
            col(IndicatorResult.region_code),
            col(IndicatorResult.sex),
            col(IndicatorResult.age_band),
            col(IndicatorResult.nationality_group),
            col(IndicatorResult.value),
            col(IndicatorResult.status),
            col(IndicatorResult.entered_at),
            col(IndicatorResult.is_demo),
        )
        .join(Indicator, col(Indicator.id) == col(IndicatorResult.indicator_id))
        .where(*conditions, col(IndicatorResult.id) > after)
        .order_by(col(IndicatorResult.id))
        .limit(limit)
    )


@readable_by(STAFF, N_("every stored indicator result"))
def result_rows(
    *,
    session: Session,
    actor: Actor,
    filters: Filters,
    after: int = 0,
    limit: int = 1000,
    updated_since: datetime | None = None,
) -> pd.DataFrame:
    """Up to `limit` stored results after the row id `after` (in id order): each cell ('all'
    marks a total) with its status and time of writing."""
    query = _rows_query(_conditions(filters, updated_since), after, limit)
    return frame(session, query, ROW_COLUMNS)


@readable_by(STAFF, N_("every stored indicator result"))
def result_row_chunks(
    *,
    session: Session,
    actor: Actor,
    filters: Filters,
    updated_since: datetime | None = None,
    size: int = CHUNK_ROWS,
) -> Iterator[pd.DataFrame]:
    """Every stored result in the filters, a table of at most `size` rows at a time."""
    after = 0
    while True:
        chunk = result_rows(
            session=session,
            actor=actor,
            filters=filters,
            after=after,
            limit=size,
            updated_since=updated_since,
        )
        if chunk.empty:
            return
        yield chunk
        after = int(chunk["id"].iloc[-1])
