"""What the end of the award needs: days left, money projected to stay unspent, milestones
still to complete and life-of-award targets projected to be missed at the current pace.

Facts, not advice: where an extension request or a final report starts from. Spending and
results are projected from the view's as-of date, at the average pace of the quarters so far
(the Budget screen's "average quarter" projection); milestones are read on the day itself.
"""

from datetime import date

import pandas as pd
from pydantic import BaseModel
from sqlmodel import Session

from grantmon.periods import quarter_of, quarters_between
from grantmon.services.budget.reads import budget_summary
from grantmon.services.core.access import EVERYONE, Actor, readable_by
from grantmon.services.core.award import award_summary
from grantmon.services.core.filters import Filters
from grantmon.services.milestones.reads import CLOSED, milestone_timeline
from grantmon.services.progress.as_of import AsOf, as_of
from grantmon.services.results.indicators import indicator_tracking
from grantmon.settings import get_settings


class OpenMilestone(BaseModel):
    """A milestone not completed (nor cancelled) yet."""

    code: str
    title: str
    due_date: date
    state: str


class TargetOutlook(BaseModel):
    """A life-of-award target and where the indicator is projected to end."""

    code: str
    title: str
    unit: str
    life_target: float
    actual_to_date: float
    projected: float | None  # None: not a count that adds up (the latest value stands)
    direction: str


class AwardEnd(BaseModel):
    """The end-of-award facts, measured at the view's as-of date (milestones today)."""

    as_of: AsOf
    end_date: date
    days_left: int
    near: bool  # fewer days left than the setting: the first screen shows these facts
    budget_cents: int
    projected_cents: int | None
    unspent_cents: int | None
    open_milestones: list[OpenMilestone]
    targets_missed: list[TargetOutlook]


def projected_total(actual: float, quarters_so_far: int, quarters_left: int) -> float:
    """A running total carried on at its average quarterly pace for the quarters left."""
    if quarters_so_far <= 0:
        return actual
    return actual + actual / quarters_so_far * quarters_left


def misses(target: TargetOutlook) -> bool:
    """Whether the projection (or the latest value) falls short of the life-of-award target."""
    value = target.projected if target.projected is not None else target.actual_to_date
    if target.direction == "decrease":
        return value > target.life_target
    return value < target.life_target


def _outlooks(tracking: pd.DataFrame, first: str, last: str) -> list[TargetOutlook]:
    """Each indicator with a life target and a figure the reader may see, projected to `last`."""
    rows = tracking[tracking["life_target"].notna() & tracking["actual_to_date"].notna()]
    outlooks = []
    for row in rows.to_dict("records"):
        reported = str(row["as_of_quarter"])
        so_far = len(quarters_between(first, reported))
        left = len(quarters_between(reported, last)) - 1
        counts = bool(row["cumulative"]) and row["direction"] == "increase"
        actual = float(row["actual_to_date"])
        outlooks.append(
            TargetOutlook(
                code=str(row["code"]),
                title=str(row["title"]),
                unit=str(row["unit"]),
                life_target=float(row["life_target"]),
                actual_to_date=actual,
                projected=projected_total(actual, so_far, left) if counts else None,
                direction=str(row["direction"]),
            )
        )
    return outlooks


def _open_milestones(timeline: pd.DataFrame) -> list[OpenMilestone]:
    open_rows = timeline[~timeline["state"].isin(CLOSED)].sort_values(["due_date", "code"])
    return [
        OpenMilestone(code=r["code"], title=r["title"], due_date=r["due_date"], state=r["state"])
        for r in open_rows.to_dict("records")
    ]


@readable_by(EVERYONE)
def award_end(*, session: Session, actor: Actor, filters: Filters, today: date) -> AwardEnd:
    """Days left, projected spending and unspent funds, open milestones and targets at risk."""
    award = award_summary(session=session, actor=actor)
    moment = as_of(session=session, actor=actor, filters=filters, today=today)
    money = budget_summary(session=session, actor=actor, filters=filters, today=today)
    tracking = indicator_tracking(session=session, actor=actor, filters=filters, today=today)
    every_quarter = Filters(
        start=quarter_of(award.start_date),
        end=quarter_of(award.end_date),
        region=filters.region,
        partner=filters.partner,
        component=filters.component,
    )
    timeline = milestone_timeline(session=session, actor=actor, filters=every_quarter, today=today)
    outlooks = _outlooks(tracking, every_quarter.start, every_quarter.end)
    days_left = max(0, (award.end_date - today).days)
    projected = money.linear_cents
    return AwardEnd(
        as_of=moment,
        end_date=award.end_date,
        days_left=days_left,
        near=days_left < get_settings().end_of_award_days,
        budget_cents=money.budget_cents,
        projected_cents=projected,
        unspent_cents=None if projected is None else max(0, money.budget_cents - projected),
        open_milestones=_open_milestones(timeline),
        targets_missed=[o for o in outlooks if misses(o)],
    )
