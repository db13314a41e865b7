"""experts hosted count each expert once a year

The yearly report counts foreign teachers and experts hosted from their stays
(crm/experts/queries.py: hosted_experts_by_year). An expert with a short and a long stay in one
year was counted twice in that year (once per term); now once, as long-term. The report's kept
summary (crm/reports/summary.py) holds the old counts, so where an expert has more than one stay
the marker row that says the records' figures wait is written (as the upgrades that made the
summary and the visit status did): `flask setup`, which every start runs, or `flask reports
summarise` sums them again. No schema change.

Revision ID: 9c4d42992236
Revises: 43016b37dffa
Create Date: 2026-12-01 03:48:00.000000

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '9c4d42992236'
down_revision = '43016b37dffa'
branch_labels = None
depends_on = None


def upgrade():
    op.execute(
        "INSERT INTO report_total (year, category, source, year_kind, total) "
        "SELECT 0, 'records', 'unsummed', 'any', 0 "
        "WHERE EXISTS (SELECT expert_id FROM expert_stay GROUP BY expert_id HAVING count(*) > 1) "
        "AND NOT EXISTS (SELECT 1 FROM report_total WHERE year = 0 AND source = 'unsummed')"
    )


def downgrade():
    pass  # the summary stays correct for the code of either revision once summed again
