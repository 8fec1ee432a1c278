"""Replies as a history: corrections, on-behalf entries, the secretariat's 辦理情形

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-07 02:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = '0004'
down_revision: str | None = '0003'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('reply', schema=None) as batch_op:
        # replies stored before this revision were all the agencies' own, none a correction
        batch_op.add_column(sa.Column('on_behalf', sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.add_column(sa.Column('corrects', sa.Integer(), nullable=True))
    # an edit stored before this revision only marked the old version superseded: link the new one back
    op.execute("UPDATE reply SET corrects = (SELECT old.id FROM reply AS old WHERE old.superseded_by = reply.id) "
               "WHERE id IN (SELECT superseded_by FROM reply WHERE superseded_by IS NOT NULL)")
    op.create_table('progresstext',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('agency', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
    sa.Column('meeting', sa.Integer(), nullable=True),
    sa.Column('text', sa.Text(), nullable=True),
    sa.Column('author', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('author_name', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
    sa.Column('chat', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['item_id'], ['item.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('progresstext', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_progresstext_item_id'), ['item_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('progresstext', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_progresstext_item_id'))
    op.drop_table('progresstext')
    with op.batch_alter_table('reply', schema=None) as batch_op:
        batch_op.drop_column('corrects')
        batch_op.drop_column('on_behalf')
