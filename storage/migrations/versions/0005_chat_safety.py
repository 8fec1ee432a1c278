"""Meeting times, pending rebind confirmations and other chat-safety state (filled by issue 11's work)

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-07 02:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = '0005'
down_revision: str | None = '0004'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('body', schema=None) as batch_op:
        batch_op.add_column(sa.Column('next_meeting_time', sqlmodel.sql.sqltypes.AutoString(length=5), nullable=True))
    with op.batch_alter_table('bindcode', schema=None) as batch_op:
        batch_op.add_column(sa.Column('offered_to', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True))
        batch_op.add_column(sa.Column('offer_expires', sa.DateTime(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('bindcode', schema=None) as batch_op:
        batch_op.drop_column('offer_expires')
        batch_op.drop_column('offered_to')
    with op.batch_alter_table('body', schema=None) as batch_op:
        batch_op.drop_column('next_meeting_time')
