"""reminder rounds: the scheduler's catch-up mark per body and day

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23 10:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0002'
down_revision: str | None = '0001'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('reminderround',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('body_id', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('reasons', sa.JSON(), nullable=False),
    sa.Column('chats', sa.Integer(), nullable=False),
    sa.Column('overdue', sa.JSON(), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['body_id'], ['body.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('body_id', 'day')
    )
    with op.batch_alter_table('reminderround', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_reminderround_body_id'), ['body_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('reminderround', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_reminderround_body_id'))

    op.drop_table('reminderround')
