"""board indexes per stage and sort: the board reads each column's first cards from an index
(one per sort order) instead of ranking every open proposal; the stage counts from the index alone

Revision ID: b78200a2ee85
Revises: 8f4f479234b6
Create Date: 2026-11-30 10:45:38.974756

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b78200a2ee85'
down_revision = "8f4f479234b6"
branch_labels = None
depends_on = None


def upgrade():
    # Index operations only: no table copy, so plain operations (an index on an expression
    # would not survive a batch copy on SQLite).
    op.drop_index('ix_proposal_stage', table_name='proposal')
    op.create_index('ix_proposal_stage_next_step', 'proposal',
                    ['stage', sa.text('(next_step_on IS NULL)'), 'next_step_on', 'stage_changed_at'], unique=False)
    op.create_index('ix_proposal_stage_title', 'proposal', ['stage', 'title'], unique=False)
    op.create_index('ix_proposal_stage_days', 'proposal',
                    ['stage', 'stage_changed_at', 'archived_at', 'partner_id', 'next_step_on'], unique=False)
    if op.get_bind().dialect.name == 'sqlite':
        op.execute("ANALYZE proposal")


def downgrade():
    op.drop_index('ix_proposal_stage_days', table_name='proposal')
    op.drop_index('ix_proposal_stage_title', table_name='proposal')
    op.drop_index('ix_proposal_stage_next_step', table_name='proposal')
    op.create_index('ix_proposal_stage', 'proposal', ['stage'], unique=False)
