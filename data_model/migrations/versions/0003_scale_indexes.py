"""indexes for screens at scale: result totals, newest entries

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-28
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The results screens sum the total rows ('all' in every cell column) per indicator and quarter:
# this index finds them among the disaggregated rows and holds what the sum needs.
CELLS = ["sex", "age_band", "nationality_group", "region_code"]
TOTALS_COLUMNS = [*CELLS, "quarter", "indicator_id", "status", "value"]
NEWEST = ("indicatorresult", "expenditure", "reintegrationfigure")  # "last updated" reads


def upgrade() -> None:
    with op.batch_alter_table("indicatorresult", schema=None) as batch_op:
        batch_op.create_index("ix_indicatorresult_totals", TOTALS_COLUMNS, unique=False)
    for table in NEWEST:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.create_index(f"ix_{table}_entered_at", ["entered_at"], unique=False)


def downgrade() -> None:
    for table in NEWEST:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_index(f"ix_{table}_entered_at")
    with op.batch_alter_table("indicatorresult", schema=None) as batch_op:
        batch_op.drop_index("ix_indicatorresult_totals")
