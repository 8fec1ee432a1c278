"""Owner leases: events and leased outbox rows name the process handling them, which renews a lease

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-07 05:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = '0009'
down_revision: str | None = '0008'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('processlease',
    sa.Column('owner', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
    sa.Column('started_at', sa.DateTime(), nullable=False),
    sa.Column('alive_until', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('owner')
    )
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.add_column(sa.Column('owner', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=True))
    with op.batch_alter_table('processedevent', schema=None) as batch_op:
        batch_op.add_column(sa.Column('owner', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('processedevent', schema=None) as batch_op:
        batch_op.drop_column('owner')
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.drop_column('owner')
    op.drop_table('processlease')
