"""The Overview's read model: KPIs at the as-of date and their change over its quarter, burn
beside results."""

from dataclasses import replace
from datetime import date, datetime

import pandas as pd
from pydantic import BaseModel
from sqlmodel import Session

from grantmon.periods import quarter_end, quarter_of, quarters_between, shift_quarter
from grantmon.services.budget.reads import budget_summary, burn_series
from grantmon.services.core.access import EVERYONE, Actor, readable_by
from grantmon.services.core.award import award_summary
from grantmon.services.core.filters import Filters
from grantmon.services.core.provenance import latest_data_write, writer_shown_to
from grantmon.services.milestones.reads import completed_in_quarter, milestone_status_counts
from grantmon.services.progress.as_of import AsOf, as_of, measured_filters
from grantmon.services.regions.reads import centre_summary
from grantmon.services.reintegration.reads import funnel_changes, reintegration_totals
from grantmon.services.results.indicators import tracking_and_figures


class LatestUpdate(BaseModel):
    """The most recent write to the figures: when and by whom."""

    at: datetime | None
    by: str


class Kpis(BaseModel):
    """Headline figures at the view's as-of date, each with its change over the as-of quarter."""

    as_of: AsOf
    spent_cents: int
    budget_cents: int
    spent_share: float | None
    elapsed_share: float
    unapproved_cents: int  # included in spent_cents (staff only; 0 for a donor)
    spent_in_quarter_cents: int
    milestones: dict[str, int]  # on the day itself: milestones carry no approval
    completed_in_quarter: int
    open_centres: int
    open_centres_before: int
    known_beds: int
    centres_without_capacity: int
    assisted: int | None
    assisted_change: int | None  # None when hidden: a change is a figure too
    plans_completed: int | None
    plans_completed_change: int | None
    victims_unapproved: int  # rows included that are not approved yet (0 for a donor)
    suppressed: bool

    @property
    def quarter(self) -> str:
        """The as-of quarter, which every change is measured over."""
        return self.as_of.quarter


def one_quarter_earlier(filters: Filters) -> Filters:
    """The same filters ending a quarter earlier (the start moves back only if it must)."""
    end = shift_quarter(filters.end, -1)
    return replace(filters, start=min(filters.start, end), end=end)


@readable_by(EVERYONE)
def overview_kpis(*, session: Session, actor: Actor, filters: Filters, today: date) -> Kpis:
    """Every KPI card of the Overview at the as-of date, each with what changed in its quarter."""
    moment = as_of(session=session, actor=actor, filters=filters, today=today)
    latest = moment.measured(filters)
    before = one_quarter_earlier(latest)
    money = budget_summary(session=session, actor=actor, filters=latest, today=today)
    money_before = budget_summary(session=session, actor=actor, filters=before, today=today)
    counts = milestone_status_counts(session=session, actor=actor, filters=filters, today=today)
    completed = completed_in_quarter(
        session=session, actor=actor, filters=filters, quarter=latest.end
    )
    centres = centre_summary(session=session, actor=actor, filters=latest, today=today)
    victims = reintegration_totals(session=session, actor=actor, filters=latest)
    changes = funnel_changes(
        session=session, actor=actor, latest=latest, before=before, shown=latest
    )
    return Kpis(
        as_of=moment,
        spent_cents=money.spent_cents,
        budget_cents=money.budget_cents,
        spent_share=money.spent_share,
        elapsed_share=money.elapsed_share,
        unapproved_cents=money.unapproved_cents,
        spent_in_quarter_cents=money.spent_cents - money_before.spent_cents,
        milestones=dict(zip(counts["status"], counts["count"].astype(int), strict=True)),
        completed_in_quarter=completed,
        open_centres=centres.open_centres,
        open_centres_before=centres.previous.open_centres,
        known_beds=centres.known_beds,
        centres_without_capacity=centres.centres_without_capacity,
        assisted=victims.assisted,
        assisted_change=changes["assisted"],
        plans_completed=victims.plans_completed,
        plans_completed_change=changes["plans_completed"],
        victims_unapproved=victims.unapproved_figures,
        suppressed=victims.suppressed,
    )


BURN_COLUMNS = ["quarter", "budget_spent", "period_elapsed", "targets_reached", "unapproved"]


@readable_by(EVERYONE)
def burn_beside_results(
    *, session: Session, actor: Actor, filters: Filters, today: date
) -> pd.DataFrame:
    """Every quarter of the award: the share of budget spent and of life targets reached to the
    as-of date, and the share of the award period gone by at each quarter's end (the calendar)."""
    award = award_summary(session=session, actor=actor)
    measured = measured_filters(session, actor, filters, today)
    burn = burn_series(session=session, actor=actor, filters=filters, today=today).set_index(
        "quarter"
    )
    targets, results = tracking_and_figures(
        session=session, actor=actor, filters=filters, today=today
    )
    reached = _results_share(results, targets)
    pending = results.groupby("quarter")["unapproved"].sum().to_dict() if len(results) else {}
    rows = []
    for quarter in quarters_between(quarter_of(award.start_date), quarter_of(award.end_date)):
        measured_then = measured.start <= quarter <= measured.end
        spent = _whole(burn["cumulative_cents"].get(quarter))
        unapproved = (_whole(burn["unapproved_cents"].get(quarter)) or 0) + pending.get(quarter, 0)
        rows.append(
            {
                "quarter": quarter,
                "budget_spent": spent / award.amount_cents if measured_then and spent else None,
                "period_elapsed": award.elapsed_share(quarter_end(quarter)),
                "targets_reached": reached.get(quarter) if measured_then else None,
                "unapproved": measured_then and unapproved > 0,
            }
        )
    return pd.DataFrame(rows, columns=BURN_COLUMNS)


def _whole(value: object) -> int | None:
    """A stored whole number, None when missing (pandas gives NA)."""
    return None if value is None or pd.isna(value) else int(value)  # type: ignore[call-overload]


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
