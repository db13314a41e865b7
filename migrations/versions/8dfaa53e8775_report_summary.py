"""report summary: the yearly report's figures grouped by year and category, by country, by partner
(and the records' by subject), kept by the app's writes (crm/reports/summary.py)

Filled here with the typed outcomes' sums, written out in SQL with the rule of
crm/reports/sources.py `typed_sums` (a migration does not import the app): every approved outcome,
once for each of its partners (its agreement's, or its own without an agreement), and once for each
distinct country of those partners. The records' figures (experts, trips, visits, programmes) come
from the app's record sources (Python over other domains' records, not SQL a migration can hold):
where there are records, a row says they are not summed yet, and the report page asks an
administrator to run `flask reports summarise`, which sums them and removes the row.

Revision ID: 8dfaa53e8775
Revises: b8a43bb945a0
Create Date: 2026-11-30 10:50:48.017420

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '8dfaa53e8775'
down_revision = 'b8a43bb945a0'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('report_country',
    sa.Column('year', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('category', sa.String(length=40), nullable=False),
    sa.Column('country', sa.String(length=8), nullable=False),
    sa.Column('source', sa.String(length=20), nullable=False),
    sa.Column('year_kind', sa.String(length=10), nullable=False),
    sa.Column('total', sa.BigInteger(), nullable=False),
    sa.PrimaryKeyConstraint('year', 'category', 'country', 'source', 'year_kind', name=op.f('pk_report_country')),
    sqlite_with_rowid=False
    )
    op.create_table('report_partner',
    sa.Column('year', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('category', sa.String(length=40), nullable=False),
    sa.Column('partner_id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('source', sa.String(length=20), nullable=False),
    sa.Column('year_kind', sa.String(length=10), nullable=False),
    sa.Column('total', sa.BigInteger(), nullable=False),
    sa.PrimaryKeyConstraint('year', 'category', 'partner_id', 'source', 'year_kind', name=op.f('pk_report_partner')),
    sqlite_with_rowid=False
    )
    with op.batch_alter_table('report_partner', schema=None) as batch_op:
        batch_op.create_index('ix_report_partner_partner', ['partner_id', 'year'], unique=False)

    op.create_table('report_indicator',
    sa.Column('year', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('category', sa.String(length=40), nullable=False),
    sa.Column('indicator_id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('total', sa.BigInteger(), nullable=False),
    sa.Column('outcomes', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('year', 'category', 'indicator_id', name=op.f('pk_report_indicator')),
    sqlite_with_rowid=False
    )
    op.create_table('report_partner_year',
    sa.Column('year_kind', sa.String(length=10), nullable=False),
    sa.Column('year', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('partner_id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('total', sa.BigInteger(), nullable=False),
    sa.PrimaryKeyConstraint('year_kind', 'year', 'partner_id', name=op.f('pk_report_partner_year')),
    sqlite_with_rowid=False
    )
    op.create_table('report_record_subject',
    sa.Column('year_kind', sa.String(length=10), nullable=False),
    sa.Column('category', sa.String(length=40), nullable=False),
    sa.Column('partners', sa.String(length=1000), nullable=False),
    sa.Column('agreement_id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('source', sa.String(length=20), nullable=False),
    sa.Column('year', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('total', sa.BigInteger(), nullable=False),
    sa.PrimaryKeyConstraint('year_kind', 'category', 'partners', 'agreement_id', 'source', 'year', name=op.f('pk_report_record_subject')),
    sqlite_with_rowid=False
    )
    with op.batch_alter_table('report_record_subject', schema=None) as batch_op:
        batch_op.create_index('ix_report_record_subject_agreement', ['agreement_id', 'year'], unique=False)

    op.create_table('report_typed_subject',
    sa.Column('category', sa.String(length=40), nullable=False),
    sa.Column('agreement_id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('partner_id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('year', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('total', sa.BigInteger(), nullable=False),
    sa.PrimaryKeyConstraint('category', 'agreement_id', 'partner_id', 'year', name=op.f('pk_report_typed_subject')),
    sqlite_with_rowid=False
    )
    op.create_table('report_total',
    sa.Column('year', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('category', sa.String(length=40), nullable=False),
    sa.Column('source', sa.String(length=20), nullable=False),
    sa.Column('year_kind', sa.String(length=10), nullable=False),
    sa.Column('total', sa.BigInteger(), nullable=False),
    sa.PrimaryKeyConstraint('year', 'category', 'source', 'year_kind', name=op.f('pk_report_total')),
    sqlite_with_rowid=False
    )
    partner = "CASE WHEN o.agreement_id IS NULL THEN o.partner_id ELSE ap.partner_id END"
    joined = "outcome o LEFT JOIN agreement_partner ap ON ap.agreement_id = o.agreement_id"
    op.execute(
        "INSERT INTO report_total (year, category, source, year_kind, total) "
        "SELECT year, category, 'outcomes', 'any', sum(count) FROM outcome WHERE status = 'approved' "
        "GROUP BY year, category"
    )
    op.execute(
        "INSERT INTO report_partner (year, category, partner_id, source, year_kind, total) "
        f"SELECT o.year, o.category, {partner}, 'outcomes', 'any', sum(o.count) FROM {joined} "
        f"WHERE o.status = 'approved' AND {partner} IS NOT NULL GROUP BY o.year, o.category, {partner}"
    )
    op.execute(
        "INSERT INTO report_country (year, category, country, source, year_kind, total) "
        "SELECT year, category, country, 'outcomes', 'any', sum(count) FROM ("
        f"SELECT DISTINCT o.id, o.year, o.category, o.count, p.country FROM {joined} JOIN partner p ON p.id = {partner} "
        "WHERE o.status = 'approved' AND p.country IS NOT NULL) pairs GROUP BY year, category, country HAVING sum(count) != 0"
    )

    # Each partner's year together, in each year kind (no records yet: every typed row counts).
    for kind in ("academic", "calendar"):
        op.execute(
            "INSERT INTO report_partner_year (year_kind, year, partner_id, total) "
            f"SELECT '{kind}', year, partner_id, sum(total) FROM report_partner GROUP BY year, partner_id HAVING sum(total) != 0"
        )
    alone = "CASE WHEN agreement_id IS NULL THEN partner_id ELSE 0 END"
    op.execute(
        "INSERT INTO report_typed_subject (category, agreement_id, partner_id, year, total) "
        f"SELECT category, coalesce(agreement_id, 0), {alone}, year, sum(count) FROM outcome "
        "WHERE status = 'approved' AND (agreement_id IS NOT NULL OR partner_id IS NOT NULL) "
        f"GROUP BY year, category, agreement_id, {alone}"
    )

    op.execute(
        "INSERT INTO report_indicator (year, category, indicator_id, total, outcomes) "
        "SELECT year, category, indicator_id, sum(count), count(*) FROM outcome "
        "WHERE status = 'approved' AND indicator_id IS NOT NULL GROUP BY year, category, indicator_id"
    )

    # The records' figures come from the app (flask reports summarise): where there are records, a row says they wait.
    records = " UNION ALL ".join(f"SELECT 1 FROM {table}" for table in ("expert_stay", "trip", "visit", "programme_enrolment"))
    op.execute(
        "INSERT INTO report_total (year, category, source, year_kind, total) "
        f"SELECT 0, 'records', 'unsummed', 'any', 0 WHERE EXISTS ({records})"
    )


def downgrade():
    op.drop_table('report_total')
    op.drop_table('report_typed_subject')
    with op.batch_alter_table('report_record_subject', schema=None) as batch_op:
        batch_op.drop_index('ix_report_record_subject_agreement')

    op.drop_table('report_record_subject')
    op.drop_table('report_partner_year')
    op.drop_table('report_indicator')
    with op.batch_alter_table('report_partner', schema=None) as batch_op:
        batch_op.drop_index('ix_report_partner_partner')

    op.drop_table('report_partner')
    op.drop_table('report_country')
