"""When the data last changed, for the data-as-of line under every chart."""

from datetime import datetime

from sqlmodel import Session

from data_model import DataVersion
from grantmon.services.core.access import EVERYONE, Actor, readable_by


@readable_by(EVERYONE)
def data_as_of(*, session: Session, actor: Actor) -> datetime | None:
    """The time of the latest write to any figure."""
    row = session.get(DataVersion, 1)
    return row.changed_at if row else None
