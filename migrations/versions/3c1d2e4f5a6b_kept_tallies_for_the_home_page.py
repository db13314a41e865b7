"""kept tallies for the home page's office-wide figures

- `tally`: counts kept by triggers (crm/core/tallies.py) for the office block: agreements in
  force by their first and last day, renewal candidates by act-by day, interactions of live
  partners in all and per hour, proposals in sight per stage, open proposals per hour of their
  last stage change. Filled here from the rows.

Revision ID: 3c1d2e4f5a6b
Revises: 847bbb175626
Create Date: 2026-11-30 17:20:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '3c1d2e4f5a6b'
down_revision = '847bbb175626'
branch_labels = None
depends_on = None


def upgrade():
    from crm.core.tallies import create_triggers, recount

    bind = op.get_bind()
    op.create_table('tally',
    sa.Column('name', sa.String(length=40), nullable=False),
    sa.Column('key', sa.String(length=40), nullable=False),
    sa.Column('n', sa.Integer(), server_default='0', nullable=False),
    sa.PrimaryKeyConstraint('name', 'key', name=op.f('pk_tally'))
    )
    recount(bind)
    create_triggers(bind)
    op.execute('ANALYZE tally')


def downgrade():
    from crm.core.tallies import drop_triggers

    drop_triggers(op.get_bind())
    op.drop_table('tally')
