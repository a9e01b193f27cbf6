"""The Overview's read model: KPIs and their change over the last quarter, burn vs results."""

from dataclasses import replace
from datetime import date, datetime

import pandas as pd
from pydantic import BaseModel
from sqlmodel import Session

from grantmon.periods import quarter_end, quarters_between, shift_quarter
from grantmon.services.budget.reads import budget_summary, burn_series
from grantmon.services.core.access import EVERYONE, Actor, readable_by
from grantmon.services.core.award import award_summary
from grantmon.services.core.filters import Filters
from grantmon.services.core.provenance import latest_data_write, writer_shown_to
from grantmon.services.milestones.reads import completed_in_quarter, milestone_status_counts
from grantmon.services.regions.reads import centre_summary
from grantmon.services.reintegration.reads import funnel_changes, reintegration_totals
from grantmon.services.results.indicators import tracking_and_figures


class LatestUpdate(BaseModel):
    """The most recent write to the figures: when and by whom."""

    at: datetime | None
    by: str


class Kpis(BaseModel):
    """Headline figures at the end of the filter period; `quarter` is the latest reported one."""

    spent_cents: int
    budget_cents: int
    spent_share: float | None
    elapsed_share: float
    spent_in_quarter_cents: int
    milestones: dict[str, int]
    completed_in_quarter: int
    open_centres: int
    open_centres_before: int
    known_beds: int
    centres_without_capacity: int
    assisted: int | None
    assisted_change: int | None  # None when hidden: a change is a figure too
    plans_completed: int | None
    plans_completed_change: int | None
    suppressed: bool
    quarter: str


def one_quarter_earlier(filters: Filters) -> Filters:
    """The same filters ending a quarter earlier (the start moves back only if it must)."""
    end = shift_quarter(filters.end, -1)
    return replace(filters, start=min(filters.start, end), end=end)


def reporting_quarter(filters: Filters, last_with_spending: str | None) -> Filters:
    """The filters ending at the latest quarter with reported figures (not an empty current one)."""
    end = min(filters.end, last_with_spending or filters.end)
    return replace(filters, start=min(filters.start, end), end=end)


@readable_by(EVERYONE)
def overview_kpis(*, session: Session, actor: Actor, filters: Filters, today: date) -> Kpis:
    """Every KPI card of the Overview, each with what changed in the latest reported quarter."""
    money = budget_summary(session=session, actor=actor, filters=filters)
    latest = reporting_quarter(filters, money.last_spending_quarter)
    before = one_quarter_earlier(latest)
    money_before = budget_summary(session=session, actor=actor, filters=before)
    counts = milestone_status_counts(session=session, actor=actor, filters=filters, today=today)
    completed = completed_in_quarter(
        session=session, actor=actor, filters=filters, quarter=latest.end
    )
    centres = centre_summary(session=session, actor=actor, filters=filters)
    centres_before = centre_summary(session=session, actor=actor, filters=before)
    victims = reintegration_totals(session=session, actor=actor, filters=filters)
    changes = funnel_changes(
        session=session, actor=actor, latest=latest, before=before, shown=filters
    )
    return Kpis(
        spent_cents=money.spent_cents,
        budget_cents=money.budget_cents,
        spent_share=money.spent_share,
        elapsed_share=money.elapsed_share,
        spent_in_quarter_cents=money.spent_cents - money_before.spent_cents,
        milestones=dict(zip(counts["status"], counts["count"].astype(int), strict=True)),
        completed_in_quarter=completed,
        open_centres=centres.open_centres,
        open_centres_before=centres_before.open_centres,
        known_beds=centres.known_beds,
        centres_without_capacity=centres.centres_without_capacity,
        assisted=victims.assisted,
        assisted_change=changes["assisted"],
        plans_completed=victims.plans_completed,
        plans_completed_change=changes["plans_completed"],
        suppressed=victims.suppressed,
        quarter=latest.end,
    )


@readable_by(EVERYONE)
def burn_beside_results(
    *, session: Session, actor: Actor, filters: Filters, today: date
) -> pd.DataFrame:
    """Per quarter: share of budget spent, of the period elapsed and of life targets reached."""
    award = award_summary(session=session, actor=actor)
    burn = burn_series(session=session, actor=actor, filters=filters)
    targets, results = tracking_and_figures(session=session, actor=actor, filters=filters)
    quarters = [q for q in quarters_between(filters.start, filters.end) if q in set(burn.quarter)]
    reached = _results_share(results, targets)
    rows = []
    for quarter in quarters:
        cumulative = burn.loc[burn.quarter == quarter, "cumulative_cents"].iloc[0]
        rows.append(
            {
                "quarter": quarter,
                "budget_spent": None if pd.isna(cumulative) else cumulative / award.amount_cents,
                "period_elapsed": award.elapsed_share(min(quarter_end(quarter), today)),
                "targets_reached": reached.get(quarter),
            }
        )
    return pd.DataFrame(
        rows, columns=["quarter", "budget_spent", "period_elapsed", "targets_reached"]
    )


def _results_share(results: pd.DataFrame, targets: pd.DataFrame) -> dict[str, float]:
    """Mean share of life-of-award targets reached by cumulative 'increase' indicators."""
    life = targets.set_index("code")["life_target"]
    counted = results[results.cumulative & (results.direction == "increase")].copy()
    # As float even when nothing is counted (pandas maps an empty text column to text).
    counted["life_target"] = counted["code"].map(life).astype(float)
    counted = counted[counted.life_target > 0]
    counted["share"] = (counted.actual_to_date / counted.life_target).clip(upper=1.0)
    means = counted.groupby("quarter")["share"].mean().dropna()
    return {str(quarter): float(share) for quarter, share in means.items()}


@readable_by(EVERYONE)
def latest_update(*, session: Session, actor: Actor) -> LatestUpdate:
    """The latest change to any figure, and who made it as this reader may see it."""
    at, by = latest_data_write(session)
    return LatestUpdate(at=at, by=writer_shown_to(session, actor, by))
