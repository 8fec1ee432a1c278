"""佐證: files agencies send with a reply (content-addressed blobs, their records) and the fetch jobs

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-07 02:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = '0008'
down_revision: str | None = '0007'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('evidenceblob',
    sa.Column('sha256', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('content', sa.LargeBinary(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('sha256')
    )
    op.create_table('evidencefile',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('sha256', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=255), nullable=False),
    sa.Column('mime', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('body_id', sa.Integer(), nullable=True),
    sa.Column('item_id', sa.Integer(), nullable=True),
    sa.Column('reply_id', sa.Integer(), nullable=True),
    sa.Column('agency', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
    sa.Column('author', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('author_name', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
    sa.Column('chat', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('message_id', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.Column('withdrawn', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['body_id'], ['body.id'], ),
    sa.ForeignKeyConstraint(['item_id'], ['item.id'], ),
    sa.ForeignKeyConstraint(['reply_id'], ['reply.id'], ),
    sa.ForeignKeyConstraint(['sha256'], ['evidenceblob.sha256'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('chat', 'message_id')
    )
    with op.batch_alter_table('evidencefile', schema=None) as batch_op:
        for column in ('sha256', 'body_id', 'item_id', 'reply_id'):
            batch_op.create_index(batch_op.f(f'ix_evidencefile_{column}'), [column], unique=False)
    op.create_table('fetchjob',
    sa.Column('key', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('chat', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('payload', sa.JSON(), nullable=False),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('next_attempt_at', sa.DateTime(), nullable=False),
    sa.Column('last_error', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('done_at', sa.DateTime(), nullable=True),
    sa.PrimaryKeyConstraint('key')
    )
    with op.batch_alter_table('fetchjob', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_fetchjob_status'), ['status'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('fetchjob', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_fetchjob_status'))
    op.drop_table('fetchjob')
    with op.batch_alter_table('evidencefile', schema=None) as batch_op:
        for column in ('reply_id', 'item_id', 'body_id', 'sha256'):
            batch_op.drop_index(batch_op.f(f'ix_evidencefile_{column}'))
    op.drop_table('evidencefile')
    op.drop_table('evidenceblob')
