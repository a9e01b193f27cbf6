"""Reception, accommodation and assistance centres, and their occupancy."""

from datetime import date, datetime

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from data_model.common import MAX_BEDS, MAX_PEOPLE, quarter_field, review_index, utc_now
from data_model.results import ReportStatus

CENTRE_KINDS = ("reception", "accommodation", "assistance")
CENTRE_STATUSES = ("planned", "open", "closed")


class Centre(SQLModel, table=True):
    """A centre supported or monitored under the award."""

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=200, unique=True)
    kind: str = Field(max_length=20)
    region_code: str = Field(foreign_key="region.iso_code", max_length=5, index=True)
    city: str = Field(max_length=80)
    lat: float
    lon: float
    operator: str = Field(max_length=200)
    partner_id: int | None = Field(default=None, foreign_key="partner.id")
    opened_on: date | None = None
    capacity: int | None = Field(default=None, ge=0, le=MAX_BEDS)  # beds; None if not public
    status: str = Field(default="planned", max_length=10)
    source_id: int = Field(foreign_key="source.id")
    note: str = Field(default="", max_length=500)
    version: int = 1
    updated_by: str = Field(default="seed", max_length=200)
    updated_at: datetime = Field(default_factory=utc_now)
    is_demo: bool = False


class CentreOccupancy(SQLModel, table=True):
    """How many people a centre accommodated in a quarter (aggregate, no individuals)."""

    __table_args__ = (UniqueConstraint("centre_id", "quarter"), review_index("centreoccupancy"))

    id: int | None = Field(default=None, primary_key=True)
    centre_id: int = Field(foreign_key="centre.id", index=True)
    quarter: str = quarter_field()
    people_accommodated: int = Field(ge=0, le=MAX_PEOPLE)
    average_beds_occupied: int = Field(ge=0, le=MAX_BEDS)
    status: str = Field(default=ReportStatus.DRAFT, max_length=10, index=True)
    version: int = 1
    entered_by: str = Field(max_length=200)
    entered_at: datetime = Field(default_factory=utc_now)
    is_demo: bool = False
