"""Budget against spending: by cost category and partner, burn against time, projections.

Spending is cumulative from the award start to the view's as-of date (progress.as_of: the end
of the latest quarter whose figures the reader may see, within the period), and the plan to
date, the time elapsed and the projections are measured at that same date, so spending to June
is never compared with a plan to December. The period's start only splits spending into
"before" and "in the period". Region and component do not apply: budget lines are kept by
partner and cost category only.
"""

from datetime import date
from typing import Any, Literal

import pandas as pd
from pydantic import BaseModel
from sqlalchemy import BigInteger, Executable, Select, case, cast, func, select
from sqlmodel import Session, col

from data_model import Award, BudgetLine, CostCategory, Expenditure, Partner
from data_model.common import ALL
from grantmon.periods import quarter_end, quarter_of, quarters_between, shift_quarter
from grantmon.services.core.access import EVERYONE, Actor, readable_by
from grantmon.services.core.award import AwardSummary, award_summary
from grantmon.services.core.filters import Filters
from grantmon.services.core.sql import frame
from grantmon.services.progress.as_of import measured_filters
from grantmon.vocabulary import word

TOLERANCE = 0.10  # a line more than 10% off its pro-rata plan is flagged
APPROVED = "approved"
ON_PLAN, OVER_PLAN, UNDER_PLAN = "on plan", "over plan", "under plan"
CATEGORY_ORDER = [c.value for c in CostCategory]  # SF-424A order
Dimension = Literal["category", "partner"]


class BudgetSummary(BaseModel):
    """Headline budget figures to the end of the filter period (money in integer cents)."""

    budget_cents: int
    spent_cents: int
    spent_share: float | None
    elapsed_share: float
    unapproved_cents: int
    plan_day: date  # the day the elapsed share is measured at
    end_quarter: str
    award_end: date
    line_count: int
    assumed_lines: int
    last_spending_quarter: str | None
    quarters_so_far: int
    quarters_remaining: int
    linear_cents: int | None  # projected total at award end, average quarter so far
    trailing_cents: int | None  # projected total at award end, average of the last two quarters


def _total(value: Any) -> Any:
    """SUM as a 64-bit integer, 0 when there are no rows (PostgreSQL sums BIGINT to NUMERIC)."""
    return cast(func.coalesce(func.sum(value), 0), BigInteger)


def _visible(query: Select, actor: Actor) -> Select:
    """Donors (and anyone not allowed to see drafts) get approved expenditure only."""
    if actor.may_see_unapproved:
        return query
    return query.where(col(Expenditure.status) == APPROVED)


def _scoped(query: Select, award_code: str, filters: Filters) -> Select:
    """Lines of this award, of the chosen partner (query must already join Partner and Award)."""
    query = query.where(col(Award.code) == award_code)
    if filters.partner != ALL:
        query = query.where(col(Partner.code) == filters.partner)
    return query


def _line_spending(actor: Actor, filters: Filters) -> Any:
    """Per budget line: spent to the end of the period, before its start, and not yet approved."""
    amount = col(Expenditure.amount_cents)
    before = case((col(Expenditure.quarter) < filters.start, amount), else_=0)
    unapproved = case((col(Expenditure.status) != APPROVED, amount), else_=0)
    query = (
        select(
            col(Expenditure.budget_line_id).label("line_id"),
            _total(amount).label("spent_cents"),
            _total(before).label("before_cents"),
            _total(unapproved).label("unapproved_cents"),
        )
        .where(col(Expenditure.quarter) <= filters.end)
        .group_by(col(Expenditure.budget_line_id))
    )
    return _visible(query, actor).subquery("line_spending")


def _lines_select(actor: Actor, filters: Filters, award_code: str, keys: list[Any]) -> Select:
    """Budget and spending summed by the given key columns (one budget line = one row)."""
    spending = _line_spending(actor, filters)
    query = (
        select(
            *keys,
            _total(col(BudgetLine.amount_cents)).label("budget_cents"),
            _total(spending.c.spent_cents).label("spent_cents"),
            _total(spending.c.before_cents).label("before_cents"),
            _total(spending.c.unapproved_cents).label("unapproved_cents"),
            _total(case((col(BudgetLine.is_assumed), 1), else_=0)).label("assumed_lines"),
            func.count(col(BudgetLine.id)).label("line_count"),
        )
        .join(Partner, col(Partner.id) == col(BudgetLine.partner_id))
        .join(Award, col(Award.id) == col(BudgetLine.award_id))
        .outerjoin(spending, spending.c.line_id == col(BudgetLine.id))
    )
    return _scoped(query, award_code, filters)


def plan_day(filters: Filters) -> date:
    """The day a plan to date is measured at: the last day of the (measured) period."""
    return quarter_end(filters.end)


def _pro_rata(amounts: pd.Series, award: AwardSummary, day: date) -> pd.Series:
    """Each amount times the share of the award period elapsed on a day, in whole cents."""
    total = (award.end_date - award.start_date).days
    gone = (min(max(day, award.start_date), award.end_date) - award.start_date).days
    if not total:
        return amounts.astype("int64")
    # Integer arithmetic keeps cents exact; half a cent rounds up.
    return ((amounts.astype("int64") * gone * 2 + total) // (2 * total)).astype("int64")


def _plan_status(spent: int, plan: int) -> tuple[float | None, str]:
    """How far spending is from plan (spent / plan - 1) and the flag that goes with it."""
    if plan <= 0:
        return None, (OVER_PLAN if spent > 0 else ON_PLAN)
    deviation = spent / plan - 1
    if deviation > TOLERANCE:
        return deviation, OVER_PLAN
    if deviation < -TOLERANCE:
        return deviation, UNDER_PLAN
    return deviation, ON_PLAN


def _with_plan(data: pd.DataFrame, award: AwardSummary, filters: Filters) -> pd.DataFrame:
    """Add plan to date, in-period spending, shares, deviation and the off-plan flag."""
    data = data.copy()
    for column in ("budget_cents", "spent_cents", "before_cents", "unapproved_cents"):
        data[column] = data[column].astype("int64")
    data["in_period_cents"] = data["spent_cents"] - data["before_cents"]
    data["plan_cents"] = _pro_rata(data["budget_cents"], award, plan_day(filters))
    budget = data["budget_cents"].where(data["budget_cents"] > 0)
    data["spent_share"] = (data["spent_cents"] / budget).astype("float64")
    flags = [
        _plan_status(s, p) for s, p in zip(data["spent_cents"], data["plan_cents"], strict=True)
    ]
    data["deviation"] = pd.Series([f[0] for f in flags], index=data.index, dtype="float64")
    data["status"] = [f[1] for f in flags]
    return data


@readable_by(EVERYONE)
def budget_lines(*, session: Session, actor: Actor, filters: Filters, today: date) -> pd.DataFrame:
    """Every budget line (partner x cost category) with spent, plan to date and off-plan flag,
    both at the view's as-of date."""
    award = award_summary(session=session, actor=actor)
    filters = measured_filters(session, actor, filters, today)
    keys = [
        col(BudgetLine.id).label("line_id"),
        col(Partner.code).label("partner"),
        col(BudgetLine.category),
        col(BudgetLine.is_assumed),
    ]
    query: Executable = (
        _lines_select(actor, filters, award.code, keys)
        .group_by(*keys, col(Partner.id))
        .order_by(col(Partner.id), col(BudgetLine.id))
    )
    data = frame(session, query)
    data["category"] = data["category"].map(word)
    return _with_plan(data, award, filters).drop(columns=["assumed_lines", "line_count"])


@readable_by(EVERYONE)
def off_plan_lines(
    *, session: Session, actor: Actor, filters: Filters, today: date
) -> pd.DataFrame:
    """Budget lines whose spending to date is more than 10% over or under their pro-rata plan."""
    lines = budget_lines(session=session, actor=actor, filters=filters, today=today)
    flagged = lines[lines["status"] != ON_PLAN]
    # Largest gaps first: the ones a reader should look at.
    order = flagged["deviation"].abs().sort_values(ascending=False, na_position="first").index
    return flagged.loc[order].reset_index(drop=True)


@readable_by(EVERYONE)
def budget_by(
    *, session: Session, actor: Actor, filters: Filters, dimension: Dimension, today: date
) -> pd.DataFrame:
    """Budget, spent and plan to date at the as-of date by cost category or partner ('label')."""
    award = award_summary(session=session, actor=actor)
    filters = measured_filters(session, actor, filters, today)
    key = col(BudgetLine.category) if dimension == "category" else col(Partner.code)
    query = _lines_select(actor, filters, award.code, [key.label("label")]).group_by(key)
    if dimension == "partner":
        query = query.order_by(func.min(col(Partner.id)))
    data = frame(session, query)
    if dimension == "category":
        rank = {c: i for i, c in enumerate(CATEGORY_ORDER)}
        data = data.sort_values("label", key=lambda s: s.map(rank)).reset_index(drop=True)
        data["label"] = data["label"].map(word)
    return _with_plan(data, award, filters)


@readable_by(EVERYONE)
def quarterly_spending(*, session: Session, actor: Actor, filters: Filters) -> pd.DataFrame:
    """Spending per quarter from the award start to the end of the period, with running total."""
    award = award_summary(session=session, actor=actor)
    amount = col(Expenditure.amount_cents)
    quarter = col(Expenditure.quarter)
    unapproved = case((col(Expenditure.status) != APPROVED, amount), else_=0)
    query = (
        select(
            quarter,
            _total(amount).label("spent_cents"),
            _total(unapproved).label("unapproved_cents"),
            cast(func.sum(func.sum(amount)).over(order_by=quarter), BigInteger).label(
                "cumulative_cents"
            ),
        )
        .join(BudgetLine, col(BudgetLine.id) == col(Expenditure.budget_line_id))
        .join(Partner, col(Partner.id) == col(BudgetLine.partner_id))
        .join(Award, col(Award.id) == col(BudgetLine.award_id))
        .where(quarter <= filters.end)
        .group_by(quarter)
        .order_by(quarter)
    )
    scoped: Executable = _visible(_scoped(query, award.code, filters), actor)
    data = frame(session, scoped)
    for column in ("spent_cents", "unapproved_cents", "cumulative_cents"):
        data[column] = data[column].astype("int64")
    data["in_period"] = data["quarter"] >= filters.start
    return data


class _Pace(BaseModel):
    """Spending pace so far, the base of both projections."""

    spent_cents: int
    last_quarter: str | None
    quarters_so_far: int
    quarters_remaining: int
    trailing_sum_cents: int
    trailing_quarters: int


def _pace(award: AwardSummary, quarterly: pd.DataFrame) -> _Pace:
    """Quarters so far run from the award's first quarter to the last one with spending."""
    spending = quarterly[quarterly["spent_cents"] > 0]
    end_quarter = quarter_of(award.end_date)
    if spending.empty:
        return _Pace(
            spent_cents=0,
            last_quarter=None,
            quarters_so_far=0,
            quarters_remaining=len(quarters_between(quarter_of(award.start_date), end_quarter)),
            trailing_sum_cents=0,
            trailing_quarters=0,
        )
    last = str(spending["quarter"].iloc[-1])
    # The two calendar quarters ending with the last one (a quiet quarter counts as zero).
    window = [q for q in (shift_quarter(last, -1), last) if q >= quarter_of(award.start_date)]
    trailing = quarterly.loc[quarterly["quarter"].isin(window), "spent_cents"]
    return _Pace(
        spent_cents=int(spending["cumulative_cents"].iloc[-1]),
        last_quarter=last,
        quarters_so_far=len(quarters_between(quarter_of(award.start_date), last)),
        quarters_remaining=max(0, len(quarters_between(last, end_quarter)) - 1),
        trailing_sum_cents=int(trailing.sum()),
        trailing_quarters=len(window),
    )


def _ahead(total: int, per: int, quarters: int) -> int:
    """total / per * quarters in whole cents, rounded half up (integers only)."""
    return (total * quarters * 2 + per) // (2 * per)


def _projections(pace: _Pace, quarters_ahead: int) -> tuple[int | None, int | None]:
    """Spent so far plus the linear and trailing-two-quarter paces over `quarters_ahead`."""
    if pace.last_quarter is None:
        return None, None
    linear = pace.spent_cents + _ahead(pace.spent_cents, pace.quarters_so_far, quarters_ahead)
    trailing = pace.spent_cents + _ahead(
        pace.trailing_sum_cents, pace.trailing_quarters, quarters_ahead
    )
    return linear, trailing


def _totals(session: Session, actor: Actor, filters: Filters, award: AwardSummary) -> dict:
    """Budget, spent, unapproved and line counts over every line in scope."""
    query: Executable = _lines_select(actor, filters, award.code, [])
    return {k: int(v) for k, v in session.execute(query).mappings().one().items()}


@readable_by(EVERYONE)
def budget_summary(
    *, session: Session, actor: Actor, filters: Filters, today: date
) -> BudgetSummary:
    """Budget, spent to the as-of date, burn vs time elapsed then and projections at award end."""
    award = award_summary(session=session, actor=actor)
    filters = measured_filters(session, actor, filters, today)
    totals = _totals(session, actor, filters, award)
    pace = _pace(award, quarterly_spending(session=session, actor=actor, filters=filters))
    linear, trailing = _projections(pace, pace.quarters_remaining)
    day = plan_day(filters)
    budget = totals["budget_cents"]
    return BudgetSummary(
        budget_cents=budget,
        spent_cents=totals["spent_cents"],
        spent_share=totals["spent_cents"] / budget if budget else None,
        elapsed_share=award.elapsed_share(day),
        unapproved_cents=totals["unapproved_cents"],
        plan_day=day,
        end_quarter=filters.end,
        award_end=award.end_date,
        line_count=totals["line_count"],
        assumed_lines=totals["assumed_lines"],
        last_spending_quarter=pace.last_quarter,
        quarters_so_far=pace.quarters_so_far,
        quarters_remaining=pace.quarters_remaining,
        linear_cents=linear,
        trailing_cents=trailing,
    )


@readable_by(EVERYONE)
def burn_series(*, session: Session, actor: Actor, filters: Filters, today: date) -> pd.DataFrame:
    """Every quarter of the award: cumulative spent to the as-of date, the linear plan and both
    projection paths from there."""
    award = award_summary(session=session, actor=actor)
    filters = measured_filters(session, actor, filters, today)
    quarterly = quarterly_spending(session=session, actor=actor, filters=filters)
    budget = _totals(session, actor, filters, award)["budget_cents"]
    quarters = quarters_between(quarter_of(award.start_date), quarter_of(award.end_date))
    data = pd.DataFrame({"quarter": quarters})
    ends = [quarter_end(q) for q in quarters]
    data["plan_cents"] = [int(_pro_rata(pd.Series([budget]), award, d).iloc[0]) for d in ends]
    data = data.merge(quarterly.drop(columns=["in_period"]), on="quarter", how="left")
    for column in ("spent_cents", "unapproved_cents", "cumulative_cents"):
        data[column] = data[column].astype("Int64")  # nullable: no spending shown after the last
    pace = _pace(award, quarterly)
    if pace.last_quarter is not None:
        data.loc[data["quarter"] > pace.last_quarter, "cumulative_cents"] = pd.NA
    _add_projection_paths(data, pace)
    return data


def _add_projection_paths(data: pd.DataFrame, pace: _Pace) -> None:
    """Projection lines start at the last quarter with spending and run to the award end."""
    linear: list[int | None] = []
    trailing: list[int | None] = []
    ahead = -1
    for quarter in data["quarter"]:
        if pace.last_quarter is not None and quarter >= pace.last_quarter:
            ahead += 1
            pair = _projections(pace, ahead)
        else:
            pair = (None, None)
        linear.append(pair[0])
        trailing.append(pair[1])
    data["linear_cents"] = pd.array(linear, dtype="Int64")
    data["trailing_cents"] = pd.array(trailing, dtype="Int64")
