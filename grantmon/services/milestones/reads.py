"""Activities and milestones: where each stands, which are late, and how they changed.

Every milestone has one *state*, worked out in the database from its recorded status, its due
date and the day given as `today`:

- 'completed' and 'cancelled': the recorded status, whatever the due date;
- 'late': not started or in progress, and due before `today`;
- 'on track': in progress, and due on `today` or later;
- 'not started': not started, and due on `today` or later.

Milestones have no approval status, so every role (donors too) sees all of them.
"""

import json
from datetime import date, datetime

import pandas as pd
from pydantic import BaseModel
from sqlalchemy import ColumnElement, Executable, Select, case, func, literal, select
from sqlmodel import Session, col

from data_model import Activity, ActivityRegion, AuditEntry, Milestone, MilestoneStatus, Partner
from data_model.common import ALL
from grantmon.i18n import N_
from grantmon.periods import quarter_end, quarter_start
from grantmon.services.core.access import EVERYONE, STAFF, Actor, readable_by
from grantmon.services.core.filters import Filters
from grantmon.services.core.provenance import writer_shown_to
from grantmon.services.core.sql import frame

LATE, ON_TRACK = "late", "on track"
STATES = (
    MilestoneStatus.COMPLETED.value,
    ON_TRACK,
    LATE,
    MilestoneStatus.NOT_STARTED.value,
    MilestoneStatus.CANCELLED.value,
)
CLOSED = (MilestoneStatus.COMPLETED.value, MilestoneStatus.CANCELLED.value)
AUDIT_ENTITY = "milestone"
TIMELINE_COLUMNS = [
    "id",
    "code",
    "title",
    "due_date",
    "state",
    "status",
    "percent_complete",
    "actual_completion_date",
    "updated_by",
    "updated_at",
    "is_demo",
    "activity_code",
    "activity",
    "component",
    "partner",
    "planned_start",
    "planned_end",
]
LATE_COLUMNS = [
    "code",
    "title",
    "activity",
    "partner",
    "component",
    "due_date",
    "days_late",
    "percent_complete",
    "status",
]
HISTORY_COLUMNS = ["at", "actor", "action", "changes", "reason"]


def milestone_state(today: date) -> ColumnElement[str]:
    """The state of each milestone on `today`, as a SQL expression (see the module docstring)."""
    status = col(Milestone.status)
    return case(
        (status.in_(CLOSED), status),
        (col(Milestone.due_date) < today, literal(LATE)),
        (status == MilestoneStatus.IN_PROGRESS.value, literal(ON_TRACK)),
        else_=status,
    )


def _joined(query: Select) -> Select:
    return (
        query.select_from(Milestone)
        .join(Activity, col(Activity.id) == col(Milestone.activity_id))
        .join(Partner, col(Partner.id) == col(Activity.partner_id))
    )


def _where_filters(query: Select, filters: Filters, *, period: bool = True) -> Select:
    """Apply the sidebar filters; a milestone takes the regions of its activity."""
    if period:
        query = query.where(
            col(Milestone.due_date) >= quarter_start(filters.start),
            col(Milestone.due_date) <= quarter_end(filters.end),
        )
    if filters.partner != ALL:
        query = query.where(col(Partner.code) == filters.partner)
    if filters.component != ALL:
        query = query.where(col(Activity.component) == filters.component)
    if filters.region != ALL:
        works_there = select(col(ActivityRegion.activity_id)).where(
            col(ActivityRegion.activity_id) == col(Activity.id),
            col(ActivityRegion.region_code) == filters.region,
        )
        query = query.where(works_there.exists())
    return query


@readable_by(EVERYONE)
def milestone_timeline(
    *,
    session: Session,
    actor: Actor,
    filters: Filters,
    today: date,
    states: tuple[str, ...] = (),
) -> pd.DataFrame:
    """Filtered milestones with their state and activity (span, component, partner)."""
    state = milestone_state(today).label("state")
    query: Select = select(
        col(Milestone.id),
        col(Milestone.code),
        col(Milestone.title),
        col(Milestone.due_date),
        state,
        col(Milestone.status),
        col(Milestone.percent_complete),
        col(Milestone.actual_completion_date),
        col(Milestone.updated_by),
        col(Milestone.updated_at),
        col(Milestone.is_demo),
        col(Activity.code).label("activity_code"),
        col(Activity.title).label("activity"),
        col(Activity.component),
        col(Partner.code).label("partner"),
        col(Activity.planned_start),
        col(Activity.planned_end),
    )
    query = _where_filters(_joined(query), filters)
    if states:
        query = query.where(milestone_state(today).in_(states))
    ordered: Executable = query.order_by(
        col(Activity.component), col(Partner.code), col(Activity.code), col(Milestone.due_date)
    )
    timeline = frame(session, ordered, TIMELINE_COLUMNS)
    writers = {
        email: writer_shown_to(session, actor, email) for email in timeline["updated_by"].unique()
    }
    return timeline.assign(updated_by=timeline["updated_by"].map(writers))


@readable_by(EVERYONE)
def completed_in_quarter(*, session: Session, actor: Actor, filters: Filters, quarter: str) -> int:
    """How many filtered milestones were completed (actual date) within a quarter."""
    query = _where_filters(_joined(select(func.count())), filters).where(
        col(Milestone.actual_completion_date).between(quarter_start(quarter), quarter_end(quarter))
    )
    return int(session.execute(query).scalar_one())


@readable_by(EVERYONE)
def milestone_status_counts(
    *, session: Session, actor: Actor, filters: Filters, today: date
) -> pd.DataFrame:
    """How many filtered milestones are in each state; all five states, zeros included."""
    states = _where_filters(_joined(select(milestone_state(today).label("state"))), filters)
    inner = states.subquery()
    query: Executable = select(inner.c.state, func.count().label("count")).group_by(inner.c.state)
    counted = frame(session, query, ["state", "count"]).set_index("state")["count"]
    counts = counted.reindex(list(STATES), fill_value=0).astype(int)
    return pd.DataFrame({"status": list(STATES), "count": counts.to_list()})


class DueCount(BaseModel):
    """Milestones that have fallen due (before the day, cancelled ones aside) and those late."""

    due: int
    late: int


@readable_by(EVERYONE)
def due_milestones(*, session: Session, actor: Actor, filters: Filters, today: date) -> DueCount:
    """How many filtered milestones fell due before `today`, and how many of them are late."""
    state = milestone_state(today)
    query = _where_filters(
        _joined(
            select(func.count(), func.coalesce(func.sum(case((state == LATE, 1), else_=0)), 0))
        ),
        filters,
    ).where(
        col(Milestone.due_date) < today,
        col(Milestone.status) != MilestoneStatus.CANCELLED.value,
    )
    due, late = session.execute(query).one()
    return DueCount(due=int(due), late=int(late))


@readable_by(EVERYONE)
def late_milestones(
    *, session: Session, actor: Actor, filters: Filters, today: date
) -> pd.DataFrame:
    """Filtered late milestones, most late first, with how many days late they are."""
    query: Select = select(
        col(Milestone.code),
        col(Milestone.title),
        col(Activity.title).label("activity"),
        col(Partner.code).label("partner"),
        col(Activity.component),
        col(Milestone.due_date),
        col(Milestone.percent_complete),
        col(Milestone.status),
    )
    query = _where_filters(_joined(query), filters).where(milestone_state(today) == LATE)
    ordered: Executable = query.order_by(col(Milestone.due_date), col(Milestone.code))
    late = frame(session, ordered)
    due = pd.to_datetime(late["due_date"])
    late["days_late"] = (pd.Timestamp(today) - due).dt.days.astype(int)
    return late[LATE_COLUMNS]


@readable_by(EVERYONE)
def milestones_outside_period(*, session: Session, actor: Actor, filters: Filters) -> int:
    """How many milestones match region, partner and component but fall due outside the period."""
    everywhere = _where_filters(_joined(select(func.count())), filters, period=False)
    in_period = _where_filters(_joined(select(func.count())), filters)
    return int(session.execute(everywhere).scalar_one() - session.execute(in_period).scalar_one())


class MilestoneDetail(BaseModel):
    """One milestone as a reader sees it, with its activity and who last updated it."""

    id: int
    code: str
    title: str
    due_date: date
    state: str
    status: str
    percent_complete: int
    actual_completion_date: date | None
    notes: str
    evidence_url: str | None
    updated_by: str
    updated_at: datetime
    is_demo: bool
    activity_code: str
    activity: str
    component: str
    partner: str
    partner_name: str
    planned_start: date
    planned_end: date
    regions: list[str]


DETAIL_FIELDS = (
    "id",
    "code",
    "title",
    "due_date",
    "status",
    "percent_complete",
    "actual_completion_date",
    "notes",
    "evidence_url",
    "updated_by",
    "updated_at",
    "is_demo",
)


@readable_by(EVERYONE)
def milestone_detail(
    *, session: Session, actor: Actor, milestone_id: int, today: date
) -> MilestoneDetail | None:
    """One milestone with its activity and regions; None when no such milestone exists."""
    query = _joined(
        select(
            *(col(getattr(Milestone, name)) for name in DETAIL_FIELDS),
            milestone_state(today).label("state"),
            col(Activity.id).label("activity_id"),
            col(Activity.code).label("activity_code"),
            col(Activity.title).label("activity"),
            col(Activity.component),
            col(Activity.planned_start),
            col(Activity.planned_end),
            col(Partner.code).label("partner"),
            col(Partner.name).label("partner_name"),
        )
    ).where(col(Milestone.id) == milestone_id)
    row = session.execute(query).mappings().first()
    if row is None:
        return None
    regions = session.execute(
        select(col(ActivityRegion.region_code))
        .where(col(ActivityRegion.activity_id) == row["activity_id"])
        .order_by(col(ActivityRegion.region_code))
    ).scalars()
    writer = writer_shown_to(session, actor, row["updated_by"])
    return MilestoneDetail(**{**row, "updated_by": writer}, regions=list(regions))


def describe_changes(before: str | None, after: str | None) -> str:
    """Audit before/after JSON as 'field: old → new' lines; raw text when it is not JSON."""
    old, new = _as_dict(before), _as_dict(after)
    if old is None or new is None:
        return after or before or ""
    changed = [key for key in sorted(old.keys() | new.keys()) if old.get(key) != new.get(key)]
    return "; ".join(
        f"{key.replace('_', ' ')}: {_shown(old.get(key))} → {_shown(new.get(key))}"
        for key in changed
    )


def _as_dict(text: object) -> dict | None:
    if not isinstance(text, str) or text.strip() == "":  # None, or NaN read by pandas 3
        return {}
    try:
        parsed = json.loads(text)
    except ValueError:
        return None
    return parsed if isinstance(parsed, dict) else None


def _shown(value: object) -> str:
    return "—" if value is None or value == "" else str(value)


@readable_by(STAFF, N_("the history of a milestone's updates"))
def milestone_history(*, session: Session, actor: Actor, milestone_id: int) -> pd.DataFrame:
    """The audit trail of one milestone, newest first, with its changes in words."""
    query: Executable = (
        select(
            col(AuditEntry.at),
            col(AuditEntry.actor),
            col(AuditEntry.action),
            col(AuditEntry.before),
            col(AuditEntry.after),
            col(AuditEntry.reason),
        )
        .where(
            col(AuditEntry.entity) == AUDIT_ENTITY,
            col(AuditEntry.entity_id) == str(milestone_id),
        )
        .order_by(col(AuditEntry.at).desc(), col(AuditEntry.id).desc())
    )
    history = frame(session, query, ["at", "actor", "action", "before", "after", "reason"])
    history["changes"] = [
        describe_changes(b, a) for b, a in zip(history["before"], history["after"], strict=True)
    ]
    return history[HISTORY_COLUMNS]
