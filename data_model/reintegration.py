"""Reintegration outcomes as aggregate counts: the schema has no column for a person."""

from datetime import datetime

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from data_model.common import MAX_PEOPLE, quarter_field, review_index, utc_now
from data_model.results import ReportStatus

FUNNEL_STAGES = ("identified", "referred", "assisted", "plans_started", "plans_completed")
SCORE_DIMENSIONS = ("score_economic", "score_social", "score_psychosocial", "score_composite")


class ReintegrationFigure(SQLModel, table=True):
    """Counts for one quarter x region x sex x age band, and mean sustainability scores (0-1)."""

    __table_args__ = (
        UniqueConstraint("quarter", "region_code", "sex", "age_band", "partner_id"),
        review_index("reintegrationfigure"),
    )

    id: int | None = Field(default=None, primary_key=True)
    quarter: str = quarter_field()
    region_code: str = Field(foreign_key="region.iso_code", max_length=5, index=True)
    sex: str = Field(max_length=10)
    age_band: str = Field(max_length=10)
    partner_id: int = Field(foreign_key="partner.id", index=True)
    identified: int = Field(default=0, ge=0, le=MAX_PEOPLE)
    referred: int = Field(default=0, ge=0, le=MAX_PEOPLE)  # through the National Referral Mechanism
    assisted: int = Field(default=0, ge=0, le=MAX_PEOPLE)
    plans_started: int = Field(default=0, ge=0, le=MAX_PEOPLE)
    plans_completed: int = Field(default=0, ge=0, le=MAX_PEOPLE)
    score_economic: float | None = Field(default=None, ge=0, le=1)
    score_social: float | None = Field(default=None, ge=0, le=1)
    score_psychosocial: float | None = Field(default=None, ge=0, le=1)
    score_composite: float | None = Field(default=None, ge=0, le=1)
    status: str = Field(default=ReportStatus.DRAFT, max_length=10, index=True)
    entered_by: str = Field(max_length=200)
    entered_at: datetime = Field(default_factory=utc_now, index=True)
    version: int = 1
    is_demo: bool = False
