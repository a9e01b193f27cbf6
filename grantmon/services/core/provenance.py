"""When the data last changed, and who changed it, for the data-as-of lines."""

from datetime import UTC, datetime

from sqlalchemy import select
from sqlmodel import Session, col

from data_model import (
    AuditEntry,
    Expenditure,
    IndicatorResult,
    Milestone,
    Partner,
    ReintegrationFigure,
    User,
)
from grantmon.services.core.access import EVERYONE, Actor, readable_by

# What the audit trail records about figures. Sign-ins, sign-outs and user administration
# are writes too, but not to the data: they never make the data newer.
DATA_ENTITIES = (
    "milestone",
    "indicator_result",
    "expenditure",
    "reintegration",
    "centre",
    "centre_occupancy",
    "file",
    "quarter report",
)
IOM = "IOM"


def latest_data_write(session: Session) -> tuple[datetime | None, str]:
    """The time of the latest write to any figure, and the e-mail address of its writer."""
    # The newest row of each table (an index on its time column finds it without a scan),
    # then the newest of those: the same answer as sorting every row, at any scale.
    sources = [
        (col(Milestone.updated_at), col(Milestone.updated_by)),
        (col(IndicatorResult.entered_at), col(IndicatorResult.entered_by)),
        (col(Expenditure.entered_at), col(Expenditure.entered_by)),
        (col(ReintegrationFigure.entered_at), col(ReintegrationFigure.entered_by)),
    ]
    audited = (
        select(col(AuditEntry.at), col(AuditEntry.actor))
        .where(col(AuditEntry.entity).in_(DATA_ENTITIES))
        .order_by(col(AuditEntry.at).desc())
        .limit(1)
    )
    # The audited edit first: times are kept to the second, and on a tie it names the editor.
    queries = [audited, *(select(at, by).order_by(at.desc()).limit(1) for at, by in sources)]
    newest = [
        row for query in queries if (row := session.execute(query).first()) and row[0] is not None
    ]
    if not newest:
        return None, ""
    at, by = max(newest, key=lambda row: _comparable(row[0]))
    return at, str(by)


@readable_by(EVERYONE)
def data_as_of(*, session: Session, actor: Actor) -> datetime | None:
    """The time of the latest write to any figure."""
    return latest_data_write(session)[0]


def writer_shown_to(session: Session, actor: Actor, email: str) -> str:
    """Who wrote a figure, as this reader may see it: staff see the person, others the team.

    A donor (or any role outside IOM) sees no personal data of staff: the writer's partner
    organisation, else IOM.
    """
    if not email or (actor.may_see_unapproved and not actor.is_donor):
        return email
    partner = session.execute(
        select(col(Partner.name))
        .join(User, col(User.partner_id) == col(Partner.id))
        .where(col(User.email) == email)
    ).first()
    return str(partner[0]) if partner else IOM


def _comparable(moment: datetime) -> datetime:
    # SQLite returns naive datetimes, PostgreSQL aware ones: compare them all as UTC.
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
