"""Quarterly review: a manager submits a partner's quarter; an M&E officer approves or returns it.

A partner's quarter is one QuarterReport row plus the partner's figures of that quarter (indicator
results belong to the award's recipient, expenditures to the budget line's partner, reintegration
figures to their partner, a centre's occupancy to the centre's partner, else to the recipient).
Every transition moves the report and those figures together, in one audited transaction; an
approved quarter is locked until an administrator reopens it.
"""

from typing import Any

import pandas as pd
from sqlalchemy import Executable, Select, func, select, union_all
from sqlmodel import Session, col

from data_model import (
    Award,
    BudgetLine,
    Centre,
    CentreOccupancy,
    Expenditure,
    Indicator,
    IndicatorResult,
    Outcome,
    Output,
    Partner,
    QuarterReport,
    ReintegrationFigure,
    ReportStatus,
    Role,
)
from data_model.common import ALL
from grantmon.i18n import N_, t
from grantmon.periods import quarters_between
from grantmon.services.core.access import STAFF, Actor, readable_by
from grantmon.services.core.commands import (
    NotAllowed,
)
from grantmon.services.core.filters import Filters
from grantmon.services.core.sql import frame

NO_DATA, IN_PROGRESS = "no data", "in progress"
SUBMITTED, RETURNED, APPROVED = "submitted", "returned", "approved"
STATUSES = (NO_DATA, IN_PROGRESS, SUBMITTED, RETURNED, APPROVED)
FIGURE_STATUSES = [s.value for s in ReportStatus]  # draft, submitted, returned, approved
ENTITY = "quarter report"
REVIEWERS = frozenset({Role.ADMIN, Role.ME_OFFICER})
AUDITED = ["status", "comment"]
PAST = {"submit": "submitted", "approve": "approved", "return": "returned", "reopen": "reopened"}
STATUS_COLUMNS = [
    "partner_id",
    "partner",
    "partner_name",
    "quarter",
    "status",
    "report_id",
    "version",
    "comment",
    "updated_by",
    "updated_at",
    "figures",
    *FIGURE_STATUSES,
    "unapproved",
]


# ---------------------------------------------------------------- reading


def figure_rows() -> Any:
    """(partner_id, quarter, status) of every figure that takes part in the review."""
    results: Select = (
        select(
            col(Award.recipient_id).label("partner_id"),
            col(IndicatorResult.quarter).label("quarter"),
            col(IndicatorResult.status).label("status"),
        )
        .join(Indicator, col(Indicator.id) == col(IndicatorResult.indicator_id))
        .join(Output, col(Output.id) == col(Indicator.output_id))
        .join(Outcome, col(Outcome.id) == col(Output.outcome_id))
        .join(Award, col(Award.id) == col(Outcome.award_id))
    )
    spending = select(
        col(BudgetLine.partner_id), col(Expenditure.quarter), col(Expenditure.status)
    ).join(BudgetLine, col(BudgetLine.id) == col(Expenditure.budget_line_id))
    reintegration = select(
        col(ReintegrationFigure.partner_id),
        col(ReintegrationFigure.quarter),
        col(ReintegrationFigure.status),
    )
    occupancy = select(
        centre_owner().label("partner_id"),
        col(CentreOccupancy.quarter),
        col(CentreOccupancy.status),
    ).join(Centre, col(Centre.id) == col(CentreOccupancy.centre_id))
    return union_all(results, spending, reintegration, occupancy).subquery("figure")


def centre_owner() -> Any:
    """The partner a centre's occupancy belongs to: its own, else the award's recipient."""
    recipient = select(col(Award.recipient_id)).order_by(col(Award.id)).limit(1)
    return func.coalesce(col(Centre.partner_id), recipient.scalar_subquery())


def figure_counts(session: Session, filters: Filters) -> pd.DataFrame:
    """Figures per partner x quarter x status in the filter period, counted in the database."""
    figures = figure_rows()
    query: Executable = (
        select(figures.c.partner_id, figures.c.quarter, figures.c.status, func.count().label("n"))
        .where(figures.c.quarter.between(filters.start, filters.end))
        .group_by(figures.c.partner_id, figures.c.quarter, figures.c.status)
    )
    return frame(session, query, ["partner_id", "quarter", "status", "n"])


def _reports(session: Session, filters: Filters) -> pd.DataFrame:
    query: Executable = select(
        col(QuarterReport.partner_id),
        col(QuarterReport.quarter),
        col(QuarterReport.id).label("report_id"),
        col(QuarterReport.status).label("report_status"),
        col(QuarterReport.version),
        col(QuarterReport.comment),
        col(QuarterReport.updated_by),
        col(QuarterReport.updated_at),
    ).where(col(QuarterReport.quarter).between(filters.start, filters.end))
    return frame(session, query)


def _partners(session: Session, filters: Filters) -> pd.DataFrame:
    query: Select = select(
        col(Partner.id).label("partner_id"),
        col(Partner.code).label("partner"),
        col(Partner.name).label("partner_name"),
    ).order_by(col(Partner.id))
    if filters.partner != ALL:
        query = query.where(col(Partner.code) == filters.partner)
    return frame(session, query)


def _counts_by_status(counts: pd.DataFrame) -> pd.DataFrame:
    """One row per partner x quarter, one column per figure status."""
    wide = counts.set_index(["partner_id", "quarter", "status"])["n"].unstack(fill_value=0)
    wide = wide.reindex(columns=FIGURE_STATUSES, fill_value=0)
    return (
        wide.reset_index()
        if not counts.empty
        else pd.DataFrame(columns=["partner_id", "quarter", *FIGURE_STATUSES])
    )


def derived_status(report_status: Any, figures: int) -> str:
    """The review status: the report's, else 'in progress' with figures, else 'no data'."""
    if isinstance(report_status, str) and report_status:
        return report_status
    return IN_PROGRESS if figures else NO_DATA


@readable_by(STAFF, N_("the quarterly review"))
def quarter_statuses(*, session: Session, actor: Actor, filters: Filters) -> pd.DataFrame:
    """Every partner x quarter of the period: review status, figure counts, comment, who/when."""
    if not actor.may_see_unapproved:
        raise NotAllowed(t("The quarterly review is for IOM staff."))
    grid = _partners(session, filters).merge(
        pd.DataFrame({"quarter": quarters_between(filters.start, filters.end)}), how="cross"
    )
    counts = _counts_by_status(figure_counts(session, filters))
    table = grid.merge(counts, on=["partner_id", "quarter"], how="left")
    table = table.merge(_reports(session, filters), on=["partner_id", "quarter"], how="left")
    table[FIGURE_STATUSES] = table[FIGURE_STATUSES].fillna(0).astype(int)
    table["figures"] = table[FIGURE_STATUSES].sum(axis=1).astype(int)
    table["unapproved"] = (table["figures"] - table[ReportStatus.APPROVED.value]).astype(int)
    table["status"] = [
        derived_status(s, n) for s, n in zip(table["report_status"], table["figures"], strict=True)
    ]
    table["version"] = table["version"].fillna(0).astype(int)  # 0: no report row yet
    table["report_id"] = table["report_id"].astype("Int64")
    table[["comment", "updated_by"]] = table[["comment", "updated_by"]].fillna("")
    table = table.sort_values(["quarter", "partner_id"], ascending=[False, True])
    return table[STATUS_COLUMNS].reset_index(drop=True)


# ---------------------------------------------------------------- permissions


def may_submit(actor: Actor, partner_id: int) -> bool:
    """Administrators, and programme managers of that partner (unscoped managers: any)."""
    if actor.role == Role.ADMIN:
        return True
    return actor.role == Role.MANAGER and actor.partner_id in (None, partner_id)


def may_review(actor: Actor) -> bool:
    """M&E officers and administrators approve or return submitted quarters."""
    return actor.role in REVIEWERS


def may_reopen(actor: Actor) -> bool:
    """Only administrators reopen an approved quarter."""
    return actor.role == Role.ADMIN


def actions_for(actor: Actor, partner_id: int, status: str) -> list[str]:
    """The transitions this actor may make now: 'submit', 'approve', 'return', 'reopen'."""
    actions = []
    if may_submit(actor, partner_id) and status in (IN_PROGRESS, RETURNED):
        actions.append("submit")
    if may_review(actor) and status == SUBMITTED:
        actions += ["approve", "return"]
    if may_reopen(actor) and status == APPROVED:
        actions.append("reopen")
    return actions
