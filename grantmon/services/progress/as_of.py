"""The one date every comparison on a view is measured at: its "as of" date.

Spending, plan to date, time elapsed, targets to date, centres open, off-plan checks and
projections are all measured at the end of one quarter, the latest that has ended and whose
figures the reader may see:

- a donor (or any role that reads approved figures only): the latest quarter with an approved
  figure. It is found from approved figures alone, so nothing a donor reads depends on a
  figure still in review, not even its date; a partner whose quarter is still in review
  counts as not yet reported for it;
- IOM staff: the latest quarter with any reported figure, approved or not (the view marks
  those not yet approved).

Within the period chosen: a period ending earlier is measured at its own end. A quarter that has
not ended is never the as-of quarter, whatever has been entered for it, so a period of quarters
still running is measured at the last one that has ended. With no figures yet, the view is
measured at that quarter and says so. Milestones carry no approval and are read on the day
itself (see docs/verdicts.md).
"""

from dataclasses import replace
from datetime import date

from pydantic import BaseModel
from sqlalchemy import literal, select
from sqlmodel import Session, col

from data_model import CentreOccupancy, Expenditure, IndicatorResult, ReintegrationFigure
from data_model.results import ReportStatus
from grantmon.periods import last_ended_quarter, quarter_end, quarter_of, quarters_between
from grantmon.services.core.access import EVERYONE, Actor, readable_by
from grantmon.services.core.award import award_summary
from grantmon.services.core.filters import Filters
from grantmon.services.core.kept import PerDataVersion
from grantmon.services.core.privacy import sees_true_figures


class AsOf(BaseModel):
    """The date a view's comparisons are measured at, and what it stands for."""

    quarter: str  # the as-of quarter: its last day is `day`
    day: date
    today: date
    approved_only: bool  # True: the latest approved quarter; False: the latest reported one
    has_figures: bool  # whether the reader may see any figure up to `quarter`
    includes_unapproved: bool  # a staff view whose figures to `quarter` are not all approved

    def measured(self, filters: Filters) -> Filters:
        """The filters ending at the as-of quarter. A period that starts after it keeps its
        start: nothing the reader may see falls in it, and the view says so."""
        return replace(filters, end=self.quarter)


REVIEWED = (IndicatorResult, Expenditure, ReintegrationFigure, CentreOccupancy)
NOT_APPROVED = [s.value for s in ReportStatus if s != ReportStatus.APPROVED]
_LATEST: PerDataVersion[tuple[str | None, bool]] = PerDataVersion(size=64)


def _holds(session: Session, quarter: str, statuses: list[str]) -> bool:
    """Whether any reviewed figure of the quarter has one of these statuses (index lookups)."""
    probes = [
        select(literal(1)).where(col(t.quarter) == quarter, col(t.status).in_(statuses)).limit(1)
        for t in REVIEWED
    ]
    return any(session.execute(probe).first() is not None for probe in probes)


def _comparable(session: Session, quarter: str, approved_only: bool) -> bool:
    """Whether the quarter holds a figure the reader may see: approved, or reported at all."""
    if approved_only:
        return _holds(session, quarter, [ReportStatus.APPROVED.value])
    return _holds(session, quarter, [s.value for s in ReportStatus])


def latest_comparable(
    session: Session, first: str, bound: str, approved_only: bool
) -> tuple[str | None, bool]:
    """The latest quarter from `bound` back to `first` a reader may compare, and whether any
    figure up to it is not approved (never for a reader of approved figures)."""

    def compute() -> tuple[str | None, bool]:
        quarters = list(reversed(quarters_between(first, bound)))
        for index, quarter in enumerate(quarters):
            if _comparable(session, quarter, approved_only):
                earlier = quarters[index:]
                pending = not approved_only and any(
                    _holds(session, q, NOT_APPROVED) for q in earlier
                )
                return quarter, pending
        return None, False

    return _LATEST.get(session, (first, bound, approved_only), compute)


@readable_by(EVERYONE)
def as_of(*, session: Session, actor: Actor, filters: Filters, today: date) -> AsOf:
    """The as-of date of a view with these filters on `today` (see the module docstring)."""
    approved_only = not sees_true_figures(actor) or not actor.may_see_unapproved
    bound = min(filters.end, last_ended_quarter(today))
    first = quarter_of(award_summary(session=session, actor=actor).start_date)
    latest, unapproved = latest_comparable(session, min(first, bound), bound, approved_only)
    quarter = latest or bound
    return AsOf(
        quarter=quarter,
        day=quarter_end(quarter),
        today=today,
        approved_only=approved_only,
        has_figures=latest is not None,
        includes_unapproved=unapproved,
    )


@readable_by(EVERYONE)
def measured_filters(session: Session, actor: Actor, filters: Filters, today: date) -> Filters:
    """The filters every comparison of a view is measured with: ending at its as-of quarter."""
    return as_of(session=session, actor=actor, filters=filters, today=today).measured(filters)
