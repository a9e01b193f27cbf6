"""People allowed into the dashboard, as actors."""

import pandas as pd
from sqlalchemy import Executable, select
from sqlmodel import Session, col

from data_model import Partner, User
from services.access import Actor
from services.sql import frame


def active_users(*, session: Session, actor: Actor) -> pd.DataFrame:
    """Active users with their role and scope."""
    query: Executable = (
        select(
            col(User.email),
            col(User.display_name),
            col(User.role),
            col(Partner.code).label("partner"),
            col(User.partner_id),
            col(User.region_code),
        )
        .outerjoin(Partner, col(Partner.id) == col(User.partner_id))
        .where(col(User.active))
        .order_by(col(User.id))
    )
    return frame(session, query)


def actor_from_row(row: pd.Series) -> Actor:
    """An actor from a row of active_users."""
    partner = row["partner_id"]
    return Actor(
        email=str(row["email"]),
        role=str(row["role"]),
        partner_id=None if pd.isna(partner) else int(partner),
        region_code=None if pd.isna(row["region_code"]) else str(row["region_code"]),
    )
