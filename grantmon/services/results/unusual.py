"""Whether an indicator's total is far outside its earlier quarters (asked to be confirmed).

Shared by the entry screen and imports, through the indicator results command.
"""

import statistics

from sqlalchemy import select
from sqlmodel import Session, col

from data_model import IndicatorResult
from data_model.common import ALL
from data_model.results import CELL_COLUMNS
from grantmon.formatting import figure
from grantmon.i18n import t

OUTLIER_RATIO = 3  # more than 3x the median of earlier quarters, or under a third, is unusual
OUTLIER_HISTORY = 3  # earlier quarters needed before a value is judged


def earlier_totals(session: Session, indicator_id: int, quarter: str) -> list[float]:
    """The indicator's stored totals of the quarters before this one (never of later ones)."""
    query = select(col(IndicatorResult.value)).where(
        col(IndicatorResult.indicator_id) == indicator_id,
        col(IndicatorResult.quarter) < quarter,
        *[col(getattr(IndicatorResult, c)) == ALL for c in CELL_COLUMNS],
    )
    return [float(v) for v in session.execute(query).scalars()]


def outlier_reason(value: float, earlier: list[float]) -> str | None:
    """Why a total is far outside the indicator's earlier quarters, or None when it is not.

    The median of the earlier quarters is the yardstick: unlike a mean and standard deviation,
    a programme ramping up does not move it far, and one wrong quarter does not move it at
    all. More than 3 times it or less than a third of it (a digit slipped, a zero for a
    blank) asks for confirmation; with fewer than 3 earlier quarters nothing is judged.
    """
    if len(earlier) < OUTLIER_HISTORY:
        return None
    median = statistics.median(earlier)
    if median <= 0:
        return None  # nothing to scale from: any first figure is plausible
    words = {"value": figure(value), "median": figure(median), "count": len(earlier)}
    if value > OUTLIER_RATIO * median:
        return t(
            "{value} is more than 3 times the median ({median}) of this indicator's {count} "
            "earlier quarters.",
            **words,
        )
    if value < median / OUTLIER_RATIO:
        return t(
            "{value} is less than a third of the median ({median}) of this indicator's "
            "{count} earlier quarters.",
            **words,
        )
    return None
