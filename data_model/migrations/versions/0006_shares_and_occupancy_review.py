"""a share's base indicator; centre occupancy in the quarterly review

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-30
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BASE_KEY = "fk_indicator_base_indicator_id_indicator"

# Occupancy recorded before the review covered it takes its partner's quarter status, so an
# approved quarter stays approved and anything else waits for review.
OCCUPANCY_STATUS = """
UPDATE centreoccupancy SET status = COALESCE((
    SELECT CASE quarterreport.status
        WHEN 'approved' THEN 'approved'
        WHEN 'submitted' THEN 'submitted'
        WHEN 'returned' THEN 'returned'
        ELSE 'draft' END
    FROM quarterreport, centre, award
    WHERE centre.id = centreoccupancy.centre_id
      AND quarterreport.award_id = award.id
      AND quarterreport.partner_id = COALESCE(centre.partner_id, award.recipient_id)
      AND quarterreport.quarter = centreoccupancy.quarter
), 'draft')
"""

# The award's plan has one share of victims, 2.2.b, of the plans completed counted by 2.2.a.
SHARE_BASE = """
UPDATE indicator SET base_indicator_id = (SELECT base.id FROM indicator base WHERE base.code = '2.2.a')
WHERE code = '2.2.b' AND base_indicator_id IS NULL
"""


def upgrade() -> None:
    # Added in place: SQLite would otherwise rebuild `indicator`, which the tables that refer
    # to it forbid; its ALTER TABLE takes a reference on a new column that may be null.
    if op.get_bind().dialect.name == "sqlite":
        op.execute(
            "ALTER TABLE indicator ADD COLUMN base_indicator_id INTEGER REFERENCES indicator (id)"
        )
    else:
        op.add_column("indicator", sa.Column("base_indicator_id", sa.Integer(), nullable=True))
        op.create_foreign_key(BASE_KEY, "indicator", "indicator", ["base_indicator_id"], ["id"])
    with op.batch_alter_table("centreoccupancy", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "status",
                sqlmodel.sql.sqltypes.AutoString(length=10),
                nullable=False,
                server_default="draft",
            )
        )
        batch_op.add_column(
            sa.Column("version", sa.Integer(), nullable=False, server_default="1")
        )
        batch_op.create_index(
            batch_op.f("ix_centreoccupancy_status"), ["status"], unique=False
        )
    op.execute(OCCUPANCY_STATUS)
    op.execute(SHARE_BASE)


def downgrade() -> None:
    with op.batch_alter_table("centreoccupancy", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_centreoccupancy_status"))
        batch_op.drop_column("version")
        batch_op.drop_column("status")
    with op.batch_alter_table("indicator", schema=None) as batch_op:
        if op.get_bind().dialect.name != "sqlite":
            batch_op.drop_constraint(BASE_KEY, type_="foreignkey")
        batch_op.drop_column("base_indicator_id")
