"""Expenditures: money spent against a budget line, entered in dollars and stored in cents."""

from collections.abc import Mapping
from datetime import date
from typing import Any

import pandas as pd
from sqlalchemy import Executable, func, select
from sqlmodel import Session, col

from data_model import Award, BudgetLine, Expenditure, Partner
from data_model.common import utc_now
from grantmon.formatting import long_date, money, typed_amount
from grantmon.i18n import N_, t
from grantmon.periods import quarter_of
from grantmon.services.core.access import STAFF, Actor, command, readable_by
from grantmon.services.core.commands import (
    CommandError,
    NotAllowed,
    StaleEdit,
    one_transaction,
    record_change,
    snapshot,
)
from grantmon.services.core.entry_rules import (
    DOLLARS,
    may_edit_partner,
    parse_day,
    parse_number,
)
from grantmon.services.core.sql import frame
from grantmon.services.workflow.commands import open_for_change
from grantmon.vocabulary import word

STORED = ["budget_line_id", "quarter", "spent_on", "amount_cents", "description", "justification"]


def parse_amount(value: Any) -> int:
    """Dollars and cents ('1234.56', '1,234.56', '$12') as integer cents, never via float."""
    if isinstance(value, bool | float):  # a float has already lost the cents' exactness
        raise ValueError(t("Enter the amount as text, e.g. 1,234.56."))
    text = (
        typed_amount(value.strip()).removeprefix("$").strip() if isinstance(value, str) else value
    )
    dollars = parse_number(text, DOLLARS)
    if dollars is None:
        raise ValueError(t("Enter the amount in dollars, e.g. 1,234.56."))
    return int(dollars * 100)


def _spent_by_line() -> Any:
    return (
        select(
            col(Expenditure.budget_line_id),
            func.sum(col(Expenditure.amount_cents)).label("spent_cents"),
        )
        .group_by(col(Expenditure.budget_line_id))
        .subquery()
    )


@readable_by(STAFF, N_("the budget lines open for entering expenditures"))
def spending_lines(*, session: Session, actor: Actor) -> pd.DataFrame:
    """The budget lines this actor may add spending to, with budget, spent and remaining cents."""
    spent = _spent_by_line()
    query: Executable = (
        select(
            col(BudgetLine.id),
            col(BudgetLine.partner_id),
            col(Partner.code).label("partner"),
            col(BudgetLine.category),
            col(BudgetLine.amount_cents).label("budget_cents"),
            func.coalesce(spent.c.spent_cents, 0).label("spent_cents"),
        )
        .join(Partner, col(Partner.id) == col(BudgetLine.partner_id))
        .outerjoin(spent, spent.c.budget_line_id == col(BudgetLine.id))
        .order_by(col(Partner.code), col(BudgetLine.category))
    )
    lines = frame(session, query)
    lines["spent_cents"] = lines["spent_cents"].astype("int64")
    lines["remaining_cents"] = lines["budget_cents"] - lines["spent_cents"]
    lines["category_label"] = lines["category"].map(word)
    allowed = [may_edit_partner(actor, int(p)) for p in lines["partner_id"]]
    return lines[allowed].reset_index(drop=True)


@readable_by(STAFF, N_("the expenditures entered on a budget line"))
def line_expenditures(*, session: Session, actor: Actor, budget_line_id: int) -> pd.DataFrame:
    """The latest expenditures of one budget line, newest first."""
    query: Executable = (
        select(
            col(Expenditure.id),
            col(Expenditure.quarter),
            col(Expenditure.spent_on),
            col(Expenditure.amount_cents),
            col(Expenditure.description),
            col(Expenditure.justification),
            col(Expenditure.status),
            col(Expenditure.entered_by),
        )
        .where(col(Expenditure.budget_line_id) == budget_line_id)
        .order_by(col(Expenditure.spent_on).desc(), col(Expenditure.id).desc())
        .limit(20)
    )
    return frame(session, query)


def _line_scope(session: Session, budget_line_id: int) -> tuple[BudgetLine, Award, int]:
    # Lock the line's row (PostgreSQL) so two additions to it are checked one after the other.
    row = session.execute(
        select(BudgetLine, Award)
        .join(Award, col(Award.id) == col(BudgetLine.award_id))
        .where(col(BudgetLine.id) == budget_line_id)
        .with_for_update(of=BudgetLine)  # type: ignore[arg-type]
    ).first()
    if row is None:
        raise CommandError(t("This budget line no longer exists."))
    spent = session.execute(
        select(func.coalesce(func.sum(col(Expenditure.amount_cents)), 0)).where(
            col(Expenditure.budget_line_id) == budget_line_id
        )
    ).scalar_one()
    return row[0], row[1], int(spent)


def _parsed(values: Mapping[str, Any]) -> tuple[int, date, dict[str, str]]:
    errors: dict[str, str] = {}
    cents, day = 0, date.min
    try:
        cents = parse_amount(values.get("amount"))
    except ValueError as error:
        errors["amount"] = str(error)
    try:
        day = parse_day(values.get("spent_on"))
    except ValueError as error:
        errors["spent_on"] = str(error)
    for name, limit in (("description", 500), ("justification", 1000)):
        if len(str(values.get(name) or "")) > limit:
            errors[name] = t("Keep this under {limit} characters.", limit=limit)
    return cents, day, errors


def _rule_errors(
    cents: int,
    day: date,
    line: BudgetLine,
    award: Award,
    spent: int,
    justification: str,
    today: date,
) -> dict[str, str]:
    errors: dict[str, str] = {}
    last = min(award.end_date, today)
    if not award.start_date <= day <= last:
        errors["spent_on"] = t(
            "The date must fall between {start} and {end} (the award period, not in the future).",
            start=long_date(award.start_date),
            end=long_date(last),
        )
    if spent + cents > line.amount_cents and not justification.strip():
        errors["justification"] = t(
            "This takes the line to {total} of its {budget} budget: explain why in the "
            "justification.",
            total=money(spent + cents),
            budget=money(line.amount_cents),
        )
    return errors


@command
def add_expenditure(
    *,
    session: Session,
    actor: Actor,
    budget_line_id: int,
    values: Mapping[str, Any],
    opened_spent_cents: int,
    today: date,
) -> dict[str, Any]:
    """Validate, authorise, check the line, store one expenditure as draft, audit; return it.

    `values`: amount (dollars as text), spent_on, description, justification.
    `opened_spent_cents`: the line's spending shown when the form was opened.
    """
    cents, day, errors = _parsed(values)
    justification = str(values.get("justification") or "")
    with one_transaction(session):
        line, award, spent = _line_scope(session, budget_line_id)
        if not may_edit_partner(actor, line.partner_id):
            raise NotAllowed(t("Your role does not let you record spending on this budget line."))
        if errors:
            raise CommandError(t("Some fields need attention."), errors)
        errors = _rule_errors(cents, day, line, award, spent, justification, today)
        if errors:
            raise CommandError(t("Some fields need attention."), errors)
        open_for_change(
            session,
            actor=actor,
            award_id=line.award_id,
            partner_id=line.partner_id,
            quarter=quarter_of(day),
        )
        if spent != opened_spent_cents:
            raise StaleEdit(
                t(
                    "Someone recorded spending on this line after you opened the form. Nothing "
                    "of yours was saved: check the remaining budget and enter yours again."
                ),
                {"spent_cents": (opened_spent_cents, spent)},
            )
        expenditure = Expenditure(
            budget_line_id=budget_line_id,
            quarter=quarter_of(day),
            spent_on=day,
            amount_cents=cents,
            description=str(values.get("description") or ""),
            justification=justification,
            entered_by=actor.email,
            entered_at=utc_now(),
        )
        session.add(expenditure)
        session.flush()
        after = snapshot(expenditure, STORED)
        record_change(
            session,
            actor=actor,
            action="create",
            entity="expenditure",
            entity_id=expenditure.id,
            before=None,
            after=after,
            reason=justification,
        )
    return after | {"id": expenditure.id}
