"""visit status: planned, held or cancelled

A foreign visit counts as a delegation received (the yearly report, the delegation statistics)
only once it is held (crm/visits/models.py: VisitStatus). Existing visits that arrived before
the office's today become held, the others planned. The visit table has no kept tally
(crm/core/tallies.py), and on SQLite the columns are added without copying the table.

The report's kept summary (crm/reports/summary.py) counted every visit; where a visit is now
planned, it no longer counts, so the marker row that says the records' figures wait is written
(as the upgrade that made the summary did): `flask setup`, which every start runs, or `flask
reports summarise` sums them again.

Revision ID: 17c7b0a1d103
Revises: b36641f6fe0a
Create Date: 2026-11-30 23:19:49.043819

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '17c7b0a1d103'
down_revision = 'b36641f6fe0a'
branch_labels = None
depends_on = None


def upgrade():
    from crm.core.dates import office_today

    with op.batch_alter_table('visit', schema=None) as batch_op:
        batch_op.add_column(sa.Column('status', sa.Enum('planned', 'held', 'cancelled', name='visitstatus', native_enum=False),
                                      server_default='planned', nullable=False))
        batch_op.add_column(sa.Column('cancel_reason', sa.String(length=500), nullable=True))
        batch_op.create_index(batch_op.f('ix_visit_status'), ['status'], unique=False)

    op.get_bind().execute(sa.text("UPDATE visit SET status = 'held' WHERE arrive_on < :today"), {"today": office_today()})
    op.execute(
        "INSERT INTO report_total (year, category, source, year_kind, total) "
        "SELECT 0, 'records', 'unsummed', 'any', 0 WHERE EXISTS (SELECT 1 FROM visit WHERE status = 'planned') "
        "AND NOT EXISTS (SELECT 1 FROM report_total WHERE year = 0 AND source = 'unsummed')"
    )


def downgrade():
    with op.batch_alter_table('visit', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_visit_status'))
        batch_op.drop_column('cancel_reason')
        batch_op.drop_column('status')
