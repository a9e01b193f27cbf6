"""Results framework: outcomes > outputs > indicators, their targets and results."""

from datetime import datetime
from enum import StrEnum

from sqlalchemy import Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from data_model.common import ALL, quarter_field, review_index, utc_now


class ReportStatus(StrEnum):
    """Where a figure stands in the quarterly review."""

    DRAFT = "draft"
    SUBMITTED = "submitted"
    RETURNED = "returned"
    APPROVED = "approved"


class Outcome(SQLModel, table=True):
    """A result the award aims for."""

    id: int | None = Field(default=None, primary_key=True)
    award_id: int = Field(foreign_key="award.id", index=True)
    code: str = Field(max_length=20)
    title: str = Field(max_length=300)


class Output(SQLModel, table=True):
    """A deliverable that contributes to an outcome."""

    id: int | None = Field(default=None, primary_key=True)
    outcome_id: int = Field(foreign_key="outcome.id", index=True)
    code: str = Field(max_length=20)
    title: str = Field(max_length=300)


class Indicator(SQLModel, table=True):
    """A measure of an output, with its baseline and life-of-award target."""

    id: int | None = Field(default=None, primary_key=True)
    output_id: int = Field(foreign_key="output.id", index=True)
    code: str = Field(max_length=20, unique=True)
    standard_code: str | None = Field(default=None, max_length=20)
    title: str = Field(max_length=300)
    unit: str = Field(max_length=40)
    baseline: float | None = None
    baseline_note: str = Field(default="", max_length=300)
    life_target: float | None = None
    cumulative: bool = True
    direction: str = Field(default="increase", max_length=8)  # increase | decrease
    disaggregations: str = Field(default="", max_length=100)  # comma list: sex,age_band,...
    # A share ("%") names the count it is a share of: a donor sees no share of a small base.
    base_indicator_id: int | None = Field(default=None, foreign_key="indicator.id")
    # The reintegration stage this indicator counts (its targets show on the funnel and trend).
    funnel_stage: str | None = Field(default=None, max_length=20)
    # A share of people whose sustainability score reaches this value (0-1), as the plan says.
    score_threshold: float | None = Field(default=None, ge=0, le=1)
    is_demo: bool = False


class IndicatorTarget(SQLModel, table=True):
    """The target of an indicator for one quarter (per-quarter value, not cumulative)."""

    __table_args__ = (UniqueConstraint("indicator_id", "quarter"),)

    id: int | None = Field(default=None, primary_key=True)
    indicator_id: int = Field(foreign_key="indicator.id", index=True)
    quarter: str = quarter_field()
    target: float


CELL_COLUMNS = ("sex", "age_band", "nationality_group", "region_code")
TOTALS_INDEX = (*CELL_COLUMNS, "quarter", "indicator_id", "status", "value")


class IndicatorResult(SQLModel, table=True):
    """A reported value for one quarter and one disaggregation cell ('all' marks a total)."""

    __table_args__ = (
        UniqueConstraint(
            "indicator_id", "quarter", "region_code", "sex", "age_band", "nationality_group"
        ),
        # Totals ('all' in every cell column) per indicator and quarter, read without the table.
        Index("ix_indicatorresult_totals", *TOTALS_INDEX),
        review_index("indicatorresult"),
    )

    id: int | None = Field(default=None, primary_key=True)
    indicator_id: int = Field(foreign_key="indicator.id", index=True)
    quarter: str = quarter_field()
    region_code: str = Field(default=ALL, max_length=5, index=True)
    sex: str = Field(default=ALL, max_length=10)
    age_band: str = Field(default=ALL, max_length=10)
    nationality_group: str = Field(default=ALL, max_length=10)
    value: float
    evidence_url: str | None = Field(default=None, max_length=500)
    status: str = Field(default=ReportStatus.DRAFT, max_length=10, index=True)
    entered_by: str = Field(max_length=200)
    entered_at: datetime = Field(default_factory=utc_now, index=True)
    version: int = 1
    is_demo: bool = False


class QuarterReport(SQLModel, table=True):
    """The review state of one partner's figures for one quarter."""

    __table_args__ = (UniqueConstraint("award_id", "partner_id", "quarter"),)

    id: int | None = Field(default=None, primary_key=True)
    award_id: int = Field(foreign_key="award.id")
    partner_id: int = Field(foreign_key="partner.id")
    quarter: str = quarter_field()
    status: str = Field(default="in progress", max_length=12)
    comment: str = Field(default="", max_length=2000)
    updated_by: str = Field(max_length=200)
    updated_at: datetime = Field(default_factory=utc_now)
    version: int = 1
    is_demo: bool = False
