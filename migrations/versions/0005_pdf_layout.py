"""the PDF layout: printed codes and the income and fund-source columns

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-25 00:30:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_MONEY = (
    "fiscal_grant",
    "institution_income",
    "institution_business_income",
    "other_income",
    "general_budget",
    "government_fund",
    "state_capital",
)


def upgrade() -> None:
    with op.batch_alter_table("budget_line", schema=None) as batch_op:
        batch_op.add_column(sa.Column("printed_code", sa.String(length=40), nullable=True))
        for column in _MONEY:
            batch_op.add_column(sa.Column(column, sa.BigInteger(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("budget_line", schema=None) as batch_op:
        for column in reversed(_MONEY):
            batch_op.drop_column(column)
        batch_op.drop_column("printed_code")
