"""Budget: is spending keeping pace with time, where will it land, and which lines are off plan?"""

from datetime import date
from typing import Any

import pandas as pd
import pyarrow as pa
import streamlit as st

from grantmon.charts.budget import (
    budget_vs_spent_chart,
    burn_chart,
    plan_label,
    quarterly_spending_chart,
)
from grantmon.charts.style import ChartContext
from grantmon.formatting import (
    long_date,
    money,
    number,
    percent,
    quarter_label,
    signed,
)
from grantmon.i18n import t
from grantmon.services.budget.reads import (
    TOLERANCE,
    BudgetSummary,
    budget_by,
    budget_lines,
    budget_summary,
    burn_series,
    off_plan_lines,
    quarterly_spending,
)
from grantmon.services.core.access import Actor
from grantmon.services.core.filters import Filters
from grantmon.services.progress.as_of import as_of
from grantmon.ui.charts import chart_context, figure_of, show
from grantmon.ui.page import start_page
from grantmon.ui.runtime import kept, load, ready_to_send
from grantmon.ui.tables import dollar_column, figures, percent_column, show_table
from grantmon.ui.verdicts import as_of_line

page = start_page(
    __file__,
    t("Budget"),
    t("Budget against spending, burn against time, and where spending will land at award end."),
)
actor, filters, today = page.actor, page.filters, date.today()
SHOW_UNAPPROVED = actor.may_see_unapproved


def notes(summary: BudgetSummary) -> None:
    """What the figures include and what the filters do here."""
    if summary.assumed_lines:
        st.caption(
            t(
                "**Assumed budget.** The award's split by partner and cost category is not "
                "public: the {count} budget lines shown are assumptions, not the approved budget.",
                count=summary.assumed_lines,
            )
        )
    st.caption(
        t(
            "Region and component filters do not apply to the budget: budget lines are kept by "
            "partner and cost category only. Spending counts every quarter from the award start "
            "to the end of the chosen period; the period's start splits it into before and in "
            "the period."
        )
    )
    st.caption(approval_note(summary))


def approval_note(summary: BudgetSummary) -> str:
    """Approved only for donors; IOM staff see how much is still awaiting approval."""
    if not SHOW_UNAPPROVED:
        return t("Approved expenditure only.")
    if summary.unapproved_cents:
        return t(
            "Includes {amount} of expenditure not yet approved (hatched in the quarterly "
            "chart; 'Not yet approved' column in the tables).",
            amount=money(summary.unapproved_cents),
        )
    return t("All expenditure shown is approved.")


def headline(summary: BudgetSummary) -> None:
    """Budget, spent and time elapsed at the as-of date; then the two projections at award end."""
    budget, spent, elapsed = st.columns(3)
    budget.metric(t("Budget"), money(summary.budget_cents))
    gap = ((summary.spent_share or 0) - summary.elapsed_share) * 100
    day = long_date(summary.plan_day)
    spent.metric(
        t("Spent to {day}", day=day),
        money(summary.spent_cents) + (" *" if summary.unapproved_cents else ""),
        delta=t(
            "{share} of budget ({gap} pts vs time)",
            share=percent(summary.spent_share),
            gap=signed(round(gap)),
        ),
        delta_color="off",
        delta_arrow="off",
    )
    elapsed.metric(
        t("Award period elapsed at {day}", day=day),
        percent(summary.elapsed_share),
        help=t("Share of the award period gone by on {day}.", day=day),
    )
    elapsed.progress(min(1.0, summary.elapsed_share))
    linear, trailing = st.columns(2)
    projection_metric(
        linear, t("Projected at award end: average quarter"), summary.linear_cents, summary
    )
    projection_metric(
        trailing, t("Projected at award end: last two quarters"), summary.trailing_cents, summary
    )


def projection_metric(place, label: str, cents: int | None, summary: BudgetSummary) -> None:
    """A projection and its gap to the budget (under or over)."""
    if cents is None:
        place.metric(label, t("no spending yet"))
        return
    share = cents / summary.budget_cents if summary.budget_cents else None
    place.metric(
        label,
        money(cents),
        delta=t("{share} of budget", share=percent(share)),
        delta_color="off",
        delta_arrow="off",
    )


def projection_note(summary: BudgetSummary) -> None:
    """How the projections are made, in numbers a reader can check."""
    if summary.last_spending_quarter is None:
        return
    st.caption(
        t(
            "Projections add, for each of the {left} quarter(s) left to the award end "
            "({end}), either the average quarterly spending over the {so_far} quarters to "
            "{last} or the average of the last two quarters.",
            left=number(summary.quarters_remaining),
            end=long_date(summary.award_end),
            so_far=number(summary.quarters_so_far),
            last=quarter_label(summary.last_spending_quarter),
        )
    )
    if summary.last_spending_quarter < summary.end_quarter:
        values = {
            "last": quarter_label(summary.last_spending_quarter),
            "day": long_date(summary.plan_day),
        }
        if SHOW_UNAPPROVED:
            message = t(
                "No expenditure is recorded after {last}, while the plan to date runs to "
                "{day}: spending may look low against plan.",
                **values,
            )
        else:
            message = t(
                "No approved expenditure is recorded after {last}, while the plan to date runs "
                "to {day}: spending may look low against plan until later quarters are approved.",
                **values,
            )
        st.caption(message)


def dollars(cents: pd.Series) -> Any:
    """Amounts in whole dollars, as numbers."""
    return figures(cents / 100).round()


def line_columns() -> dict[str, Any]:
    """The budget tables' figures: signed percentages and dollars."""
    money_columns = (t("Spent to date"), t("Plan to date"), t("Budget"), t("Not yet approved"))
    return {t("Off plan by"): percent_column(signed=True)} | {
        name: dollar_column() for name in money_columns
    }


def lines_table(lines: pd.DataFrame) -> pd.DataFrame:
    """Budget lines with readable names and whole-dollar amounts."""
    shown = pd.DataFrame(
        {
            # The line, its gap and its status first: what a phone shows without scrolling.
            t("Cost category"): lines["category"],
            t("Off plan by"): figures(lines["deviation"] * 100).round(),
            t("Status"): lines["status"].map(plan_label),
            t("Partner"): lines["partner"],
            t("Spent to date"): dollars(lines["spent_cents"]),
            t("Plan to date"): dollars(lines["plan_cents"]),
            t("Budget"): dollars(lines["budget_cents"]),
        }
    )
    if SHOW_UNAPPROVED:
        shown[t("Not yet approved")] = dollars(lines["unapproved_cents"])
    shown[t("Assumed")] = lines["is_assumed"].map({True: t("yes"), False: t("no")})
    return shown


def line_rows(*, actor: Actor, filters: Filters, today: date, off_plan_only: bool) -> pa.Table:
    """The budget lines (or those off plan, largest gap first) as a readable table."""
    read = off_plan_lines if off_plan_only else budget_lines
    return ready_to_send(lines_table(load(read, actor, filters=filters, today=today)))


def off_plan_section(summary: BudgetSummary) -> None:
    """The lines more than 10% over or under their pro-rata plan, largest gap first."""
    st.subheader(t("Budget lines off plan"))
    flagged = kept(line_rows, actor, filters=filters, today=today, off_plan_only=True)
    st.caption(
        t(
            "At {day}, {flagged} of the {lines} lines are more than {tolerance} above or below "
            "their plan to date (their amount times the share of the award period elapsed on "
            "that day).",
            day=long_date(summary.plan_day),
            flagged=number(flagged.num_rows),
            lines=number(summary.line_count),
            tolerance=percent(TOLERANCE),
        )
    )
    if flagged.num_rows == 0:
        st.success(
            t("No budget line is more than {tolerance} off plan.", tolerance=percent(TOLERANCE))
        )
        return
    show_table(flagged, hide_index=True, width="stretch", column_config=line_columns())


def breakdowns(ctx: ChartContext) -> None:
    """Budget against spending by cost category and by partner."""
    st.subheader(t("Budget and spending by cost category and partner"))
    by_category = load(budget_by, actor, filters=filters, dimension="category", today=today)
    show(
        figure_of(
            budget_vs_spent_chart, by_category, title=t("By cost category (SF-424A)"), context=ctx
        ),
        key="budget_by_category",
    )
    by_partner = load(budget_by, actor, filters=filters, dimension="partner", today=today)
    show(
        figure_of(budget_vs_spent_chart, by_partner, title=t("By partner"), context=ctx),
        key="budget_by_partner",
    )


def quarterly_section(ctx: ChartContext) -> None:
    """Spending per quarter of the chosen period."""
    quarterly = load(quarterly_spending, actor, filters=filters)
    in_period = quarterly[quarterly["in_period"]]
    show(figure_of(quarterly_spending_chart, in_period, context=ctx), key="budget_quarterly")


def all_lines_section() -> None:
    """Every budget line, for those who want the detail."""
    with st.expander(t("All budget lines")):
        every_line = kept(line_rows, actor, filters=filters, today=today, off_plan_only=False)
        show_table(every_line, hide_index=True, width="stretch", column_config=line_columns())


def main() -> None:
    """Draw the screen, or say plainly that there is nothing to show."""
    summary = load(budget_summary, actor, filters=filters, today=today)
    if summary.line_count == 0:
        st.info(t("No budget lines are recorded for these filters."))
        return
    source = t("expenditure reports and budget lines in the grant monitor")
    if summary.assumed_lines:
        source = t("expenditure reports in the grant monitor; assumed budget lines")
    ctx = chart_context(filters, actor, source=source)
    as_of_line(load(as_of, actor, filters=filters, today=today))
    notes(summary)
    headline(summary)
    show(
        figure_of(burn_chart, load(burn_series, actor, filters=filters, today=today), context=ctx),
        key="budget_burn",
    )
    projection_note(summary)
    off_plan_section(summary)
    breakdowns(ctx)
    quarterly_section(ctx)
    all_lines_section()


main()
