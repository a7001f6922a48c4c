"""performance targets: a project's, or (部门整体支出绩效目标) a department's as a whole

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02 01:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("performance_project", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("kind", sa.String(length=32), nullable=False, server_default="PROJECT")
        )


def downgrade() -> None:
    overall = "SELECT id FROM performance_project WHERE kind <> 'PROJECT'"
    op.execute(f"DELETE FROM indicator WHERE project_id IN ({overall})")
    op.execute("DELETE FROM performance_project WHERE kind <> 'PROJECT'")
    with op.batch_alter_table("performance_project", schema=None) as batch_op:
        batch_op.drop_column("kind")
