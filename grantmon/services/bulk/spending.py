"""Expenditures in a file: one row per amount spent, each added by the expenditure command."""

import pandas as pd
from sqlalchemy import Executable, func, select
from sqlmodel import Session, col

from data_model import BudgetLine, CostCategory, Expenditure, Partner
from grantmon.i18n import N_, lazy, t
from grantmon.services.budget.spending import add_expenditure, parse_amount
from grantmon.services.bulk.spec import (
    Column,
    DataType,
    Problem,
    RowProblems,
    WriteContext,
    first_row_of,
    run_command,
)
from grantmon.services.core.access import DATA_ENTRY_ROLES, Actor, readable_by
from grantmon.services.core.entry_rules import may_edit_partner, parse_day
from grantmon.services.core.sql import frame

CATEGORIES = ", ".join(c.value for c in CostCategory)
COLUMNS = (
    Column("partner_code", lazy("The partner whose budget line it is: IOM, UNODC or ILO.")),
    Column("category", lazy("The budget line's cost category, one of: {names}.", names=CATEGORIES)),
    Column("spent_on", lazy("The date of the spending: YYYY-MM-DD or DD/MM/YYYY.")),
    Column("amount", lazy("US dollars with at most 2 decimals, e.g. 1234.56 (no minus sign).")),
    Column("description", lazy("What the money paid for."), required=False),
    Column(
        "justification",
        lazy("Required when the spending takes the line beyond its budget."),
        required=False,
    ),
)
ENTERED = ("spent_on", "amount", "description", "justification")
FIELD_COLUMNS = {"quarter": "spent_on", "budget_line_id": "category"}


@readable_by(DATA_ENTRY_ROLES, N_("the figures exported for entry"))
def export_spending(session: Session, actor: Actor) -> pd.DataFrame:
    """Every expenditure on the budget lines this actor may add spending to."""
    query: Executable = (
        select(
            col(Partner.code).label("partner_code"),
            col(BudgetLine.category),
            col(BudgetLine.partner_id),
            col(Expenditure.spent_on),
            col(Expenditure.amount_cents),
            col(Expenditure.description),
            col(Expenditure.justification),
        )
        .join(BudgetLine, col(BudgetLine.id) == col(Expenditure.budget_line_id))
        .join(Partner, col(Partner.id) == col(BudgetLine.partner_id))
        .order_by(
            col(Partner.code),
            col(BudgetLine.category),
            col(Expenditure.spent_on),
            col(Expenditure.id),
        )
    )
    table = frame(session, query)
    table = table[[may_edit_partner(actor, int(p)) for p in table["partner_id"]]]
    table["spent_on"] = table["spent_on"].map(lambda d: d.isoformat())
    table["amount"] = table["amount_cents"].map(lambda c: f"{c // 100}.{c % 100:02d}")
    return table[[c.name for c in COLUMNS]].reset_index(drop=True)


def _locate(field: str, rows: pd.DataFrame) -> tuple[int, str]:
    return first_row_of(rows), FIELD_COLUMNS.get(field, field)


def _line(session: Session, partner: str, category: str, row: int) -> tuple[int, int]:
    query: Executable = (
        select(col(BudgetLine.id), func.coalesce(func.sum(col(Expenditure.amount_cents)), 0))
        .join(Partner, col(Partner.id) == col(BudgetLine.partner_id))
        .outerjoin(Expenditure, col(Expenditure.budget_line_id) == col(BudgetLine.id))
        .where(col(Partner.code) == partner, col(BudgetLine.category) == category)
        .group_by(col(BudgetLine.id))
    )
    found = session.execute(query).first()
    if found is None:
        message = t(
            "No budget line '{category}' for partner '{partner}'.",
            category=category,
            partner=partner,
        )
        raise RowProblems([Problem(row, "category", message)])
    return int(found[0]), int(found[1])


def write_spending(context: WriteContext, rows: pd.DataFrame) -> None:
    """Add the row's amount to its budget line."""
    row = first_row_of(rows)
    cells = rows.loc[row]
    line_id, spent = _line(
        context.session, str(cells["partner_code"]).strip(), str(cells["category"]).strip(), row
    )
    run_command(
        rows,
        _locate,
        lambda: add_expenditure(
            session=context.session,
            actor=context.actor,
            budget_line_id=line_id,
            values={c: str(cells[c]) for c in ENTERED},
            opened_spent_cents=spent,
            today=context.today,
        ),
    )


EXPENDITURES = DataType(
    name="expenditures",
    title=lazy("Expenditures"),
    columns=COLUMNS,
    group_by=(),
    unique_by=("partner_code", "category", "spent_on", "description", "justification", "amount"),
    export=export_spending,
    write_group=write_spending,
    comparable={"spent_on": parse_day, "amount": parse_amount},
    repeat_advice=N_(
        "If both amounts were spent, tell them apart in the description; if not, delete one."
    ),
)
