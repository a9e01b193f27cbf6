"""Budget lines by US federal cost category, and what was spent against them."""

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from data_model.common import cents_field, quarter_field, review_index, utc_now
from data_model.results import ReportStatus


class CostCategory(StrEnum):
    """The object class categories of the SF-424A budget."""

    PERSONNEL = "personnel"
    FRINGE = "fringe benefits"
    TRAVEL = "travel"
    EQUIPMENT = "equipment"
    SUPPLIES = "supplies"
    CONTRACTUAL = "contractual"
    OTHER = "other direct"
    INDIRECT = "indirect"


CATEGORY_LABELS = {c.value: c.value.capitalize() for c in CostCategory}


class BudgetLine(SQLModel, table=True):
    """The amount a partner may spend in one cost category."""

    __table_args__ = (UniqueConstraint("award_id", "partner_id", "category"),)

    id: int | None = Field(default=None, primary_key=True)
    award_id: int = Field(foreign_key="award.id", index=True)
    partner_id: int = Field(foreign_key="partner.id", index=True)
    category: str = Field(max_length=20)
    amount_cents: int = cents_field()
    is_assumed: bool = False
    version: int = 1
    is_demo: bool = False


class Expenditure(SQLModel, table=True):
    """Money spent against a budget line in a quarter."""

    __table_args__ = (review_index("expenditure"),)

    id: int | None = Field(default=None, primary_key=True)
    budget_line_id: int = Field(foreign_key="budgetline.id", index=True)
    quarter: str = quarter_field()
    spent_on: date
    amount_cents: int = cents_field()
    description: str = Field(default="", max_length=500)
    justification: str = Field(default="", max_length=1000)
    status: str = Field(default=ReportStatus.DRAFT, max_length=10, index=True)
    entered_by: str = Field(max_length=200)
    entered_at: datetime = Field(default_factory=utc_now, index=True)
    version: int = 1
    is_demo: bool = False
