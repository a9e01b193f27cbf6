"""quarter and status indexes of reviewed figures; an indicator's reintegration stage and score

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-07
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Every view is measured at the latest quarter whose figures the reader may see: these find,
# for one quarter, whether it holds an approved figure and one that is not, without a scan.
REVIEWED = ("indicatorresult", "expenditure", "reintegrationfigure", "centreoccupancy")
# The demo plan's links (seed/demo_plan.py sets them on new databases).
STAGES = {"1.2.a": "referred", "2.2.a": "plans_completed"}
SCORES = {"2.2.b": 0.66}


def upgrade() -> None:
    for table in REVIEWED:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.create_index(f"ix_{table}_quarter_status", ["quarter", "status"], unique=False)
    # Added in place: rebuilding `indicator` on SQLite would break the tables that refer to it.
    op.add_column(
        "indicator",
        sa.Column("funnel_stage", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=True),
    )
    op.add_column("indicator", sa.Column("score_threshold", sa.Float(), nullable=True))
    indicator = sa.table(
        "indicator",
        sa.column("code", sa.String),
        sa.column("is_demo", sa.Boolean),
        sa.column("funnel_stage", sa.String),
        sa.column("score_threshold", sa.Float),
    )
    demo = indicator.c.is_demo == sa.true()
    for code, stage in STAGES.items():
        op.execute(
            indicator.update().where(indicator.c.code == code, demo).values(funnel_stage=stage)
        )
    for code, threshold in SCORES.items():
        op.execute(
            indicator.update()
            .where(indicator.c.code == code, demo)
            .values(score_threshold=threshold)
        )


def downgrade() -> None:
    with op.batch_alter_table("indicator", schema=None) as batch_op:
        batch_op.drop_column("score_threshold")
        batch_op.drop_column("funnel_stage")
    for table in REVIEWED:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_index(f"ix_{table}_quarter_status")
