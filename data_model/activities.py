"""Activities of the award and their milestones."""

from datetime import date, datetime
from enum import StrEnum

from sqlmodel import Field, SQLModel

from data_model.common import MAX_PERCENT, utc_now


class MilestoneStatus(StrEnum):
    """Progress states of a milestone, in their forward order."""

    NOT_STARTED = "not started"
    IN_PROGRESS = "in progress"
    COMPLETED = "completed"
    CANCELLED = "cancelled"


class Activity(SQLModel, table=True):
    """A planned piece of work under a component, run by one partner."""

    id: int | None = Field(default=None, primary_key=True)
    award_id: int = Field(foreign_key="award.id", index=True)
    code: str = Field(max_length=20, unique=True)
    title: str = Field(max_length=300)
    component: str = Field(max_length=60, index=True)
    partner_id: int = Field(foreign_key="partner.id", index=True)
    planned_start: date
    planned_end: date
    is_demo: bool = False


class ActivityRegion(SQLModel, table=True):
    """A region an activity works in (an activity may work in several)."""

    activity_id: int = Field(foreign_key="activity.id", primary_key=True)
    region_code: str = Field(foreign_key="region.iso_code", primary_key=True, max_length=5)


class MilestoneBase(SQLModel):
    """Fields a programme manager keeps current."""

    status: str = Field(default=MilestoneStatus.NOT_STARTED, max_length=12)
    percent_complete: int = Field(default=0, ge=0, le=MAX_PERCENT)
    actual_completion_date: date | None = None
    notes: str = Field(default="", max_length=2000)
    evidence_url: str | None = Field(default=None, max_length=500)


class Milestone(MilestoneBase, table=True):
    """A dated step of an activity; `version` guards against concurrent edits."""

    id: int | None = Field(default=None, primary_key=True)
    activity_id: int = Field(foreign_key="activity.id", index=True)
    code: str = Field(max_length=20, unique=True)
    title: str = Field(max_length=300)
    due_date: date = Field(index=True)
    version: int = 1
    updated_by: str = Field(default="seed", max_length=200)
    updated_at: datetime = Field(default_factory=utc_now)
    is_demo: bool = False


class MilestoneUpdate(MilestoneBase):
    """What a programme manager submits; `version` is the one their form was opened on."""

    status: MilestoneStatus = MilestoneStatus.NOT_STARTED
    version: int
    reason: str = Field(default="", max_length=2000)
