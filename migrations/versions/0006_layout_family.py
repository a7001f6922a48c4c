"""the layout family: a disclosure's scope (部门预算 or 单位预算), 三公 rows by unit or year

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-29 20:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("disclosure", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("scope", sa.String(length=32), nullable=False, server_default="DEPARTMENT")
        )
        batch_op.drop_constraint("uq_disclosure_department_id_fiscal_year_version", type_="unique")
        batch_op.create_unique_constraint(
            batch_op.f("uq_disclosure_department_id_fiscal_year_scope_version"),
            ["department_id", "fiscal_year", "scope", "version"],
        )
    with op.batch_alter_table("three_public_line", schema=None) as batch_op:
        batch_op.add_column(sa.Column("breakdown", sa.String(length=200), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("three_public_line", schema=None) as batch_op:
        batch_op.drop_column("breakdown")
    op.execute("DELETE FROM disclosure WHERE scope <> 'DEPARTMENT'")
    with op.batch_alter_table("disclosure", schema=None) as batch_op:
        batch_op.drop_constraint(
            "uq_disclosure_department_id_fiscal_year_scope_version", type_="unique"
        )
        batch_op.create_unique_constraint(
            batch_op.f("uq_disclosure_department_id_fiscal_year_version"),
            ["department_id", "fiscal_year", "version"],
        )
        batch_op.drop_column("scope")
