"""The import review kept with minutes waiting for 確認匯入: ticked items and answered conflicts

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-07 02:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0007'
down_revision: str | None = '0006'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('pendingimport', schema=None) as batch_op:
        batch_op.add_column(sa.Column('review', sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('pendingimport', schema=None) as batch_op:
        batch_op.drop_column('review')
